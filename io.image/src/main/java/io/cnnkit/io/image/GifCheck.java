package io.cnnkit.io.image;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

import io.cnnkit.io.api.CnnIoException;

/**
 * Checks that a GIF's first frame is complete (every data sub-block present up to the
 * frame's terminator). The JDK's GIF reader silently returns a partly decoded frame for a
 * truncated file, so the block structure is walked before decoding.
 */
final class GifCheck {
    private GifCheck() {
    }

    static void firstFrameComplete(ImageSource file) {
        try (InputStream raw = file.open();
                DataInputStream in = new DataInputStream(new BufferedInputStream(raw))) {
            in.skipNBytes(6 + 4);
            int packed = in.readUnsignedByte();
            in.skipNBytes(2);
            if ((packed & 0x80) != 0) {
                in.skipNBytes(3L << ((packed & 7) + 1));
            }
            while (true) {
                int b = in.readUnsignedByte();
                if (b == 0x21) {
                    in.readUnsignedByte();
                    skipSubBlocks(in);
                } else if (b == 0x2C) {
                    in.skipNBytes(8);
                    int p = in.readUnsignedByte();
                    if ((p & 0x80) != 0) {
                        in.skipNBytes(3L << ((p & 7) + 1));
                    }
                    in.readUnsignedByte();
                    skipSubBlocks(in);
                    return;
                } else if (b == 0x3B) {
                    throw new CnnIoException(file + ": GIF has no image (trailer before the first frame)");
                } else {
                    throw new CnnIoException(file + ": corrupt GIF: unexpected block 0x" + Integer.toHexString(b)
                            + " before the first frame");
                }
            }
        } catch (EOFException e) {
            throw new CnnIoException(file + ": truncated or corrupt GIF: the file ends inside the first frame", e);
        } catch (IOException e) {
            throw new CnnIoException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static void skipSubBlocks(DataInputStream in) throws IOException {
        int len;
        while ((len = in.readUnsignedByte()) != 0) {
            in.skipNBytes(len);
        }
    }
}
