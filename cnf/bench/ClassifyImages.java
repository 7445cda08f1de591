import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.util.Random;

import javax.imageio.ImageIO;

/**
 * The benchmark images of classify-bench.sh: N crops and flips of the bundled photos, of random
 * sizes (--resize makes them fit any model), as PNG with every fourth a JPEG. Seeded: every run
 * makes the same files. Run with the JDK's source launcher:
 *   java cnf/bench/ClassifyImages.java OUT_DIR N PHOTO...
 */
public final class ClassifyImages {
    public static void main(String[] args) throws IOException {
        File out = new File(args[0]);
        int n = Integer.parseInt(args[1]);
        BufferedImage[] photos = new BufferedImage[args.length - 2];
        for (int i = 0; i < photos.length; i++) {
            photos[i] = ImageIO.read(new File(args[i + 2]));
        }
        out.mkdirs();
        Random r = new Random(2026);
        for (int i = 0; i < n; i++) {
            BufferedImage p = photos[i % photos.length];
            int min = Math.min(48, Math.min(p.getWidth(), p.getHeight()));
            int w = min + r.nextInt(p.getWidth() - min + 1);
            int h = min + r.nextInt(p.getHeight() - min + 1);
            int x = r.nextInt(p.getWidth() - w + 1);
            int y = r.nextInt(p.getHeight() - h + 1);
            boolean flipX = r.nextBoolean();
            boolean flipY = r.nextInt(4) == 0;
            BufferedImage c = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            for (int yy = 0; yy < h; yy++) {
                for (int xx = 0; xx < w; xx++) {
                    c.setRGB(flipX ? w - 1 - xx : xx, flipY ? h - 1 - yy : yy, p.getRGB(x + xx, y + yy));
                }
            }
            String format = i % 4 == 3 ? "jpg" : "png";
            ImageIO.write(c, format, new File(out, String.format("img%05d.%s", i, format)));
        }
        System.out.println("made " + n + " images in " + out);
    }
}
