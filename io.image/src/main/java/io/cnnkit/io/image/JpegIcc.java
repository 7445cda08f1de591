package io.cnnkit.io.image;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Drops embedded ICC profiles (APP2 "ICC_PROFILE" segments) from a JPEG's header.
 *
 * <p>The JDK's JPEG reader colour-manages images with a profile (e.g. Adobe RGB to sRGB),
 * while PIL (Keras's {@code load_img}) and OpenCV return the stored values; without the
 * profile the JDK returns the stored values too, so tensors match what Keras models were
 * trained on. Only the header up to the first scan is examined.
 */
final class JpegIcc {
    private static final byte[] ICC = "ICC_PROFILE\0".getBytes(StandardCharsets.US_ASCII);

    private JpegIcc() {
    }

    /**
     * A stream of the file without ICC segments, or null when the file is not a JPEG, has
     * no profile, or its header cannot be walked (the decoder then reports the problem).
     */
    static InputStream withoutProfile(ImageSource file) throws IOException {
        InputStream in = file.open();
        boolean handedOver = false;
        try {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            if (in.read() != 0xFF || in.read() != 0xD8) {
                return null;
            }
            head.write(0xFF);
            head.write(0xD8);
            boolean dropped = false;
            while (true) {
                if (in.read() != 0xFF) {
                    return null;
                }
                int m;
                do {
                    m = read(in);
                } while (m == 0xFF);
                if (m == 0xDA || m == 0xD9 || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) {
                    head.write(0xFF);
                    head.write(m);
                    break;
                }
                int len = read(in) << 8 | read(in);
                if (len < 2) {
                    return null;
                }
                byte[] payload = in.readNBytes(len - 2);
                if (payload.length < len - 2) {
                    return null;
                }
                if (m == 0xE2 && payload.length >= ICC.length
                        && Arrays.equals(Arrays.copyOf(payload, ICC.length), ICC)) {
                    dropped = true;
                    continue;
                }
                head.write(0xFF);
                head.write(m);
                head.write(len >> 8);
                head.write(len & 0xFF);
                head.write(payload);
            }
            if (!dropped) {
                return null;
            }
            handedOver = true;
            return new java.io.SequenceInputStream(new ByteArrayInputStream(head.toByteArray()), in);
        } catch (EOFException e) {
            return null;
        } finally {
            if (!handedOver) {
                in.close();
            }
        }
    }

    private static int read(InputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException();
        }
        return b;
    }
}
