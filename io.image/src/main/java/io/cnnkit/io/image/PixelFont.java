package io.cnnkit.io.image;

/**
 * A 3x5 pixel font for labels (digits, sign, point, exponent), drawn as rectangles: it needs
 * no installed fonts, so labels look the same on a headless server without fontconfig as on a
 * desktop.
 */
final class PixelFont {
    static final String CHARS = "0123456789-.e+";
    private static final String[] GLYPHS = {
        "111101101101111", "010110010010111", "111001111100111", "111001111001111", "101101111001001",
        "111100111001111", "111100111101111", "111001001010010", "111101111101111", "111101111001111",
        "000000111000000", "000000000000010", "000111101110011", "000010111010000",
    };

    private PixelFont() {
    }

    /** Width in pixels of {@code text} at pixel size {@code px}. */
    static int width(String text, int px) {
        return text.isEmpty() ? 0 : text.length() * 4 * px - px;
    }

    static int height(int px) {
        return 5 * px;
    }

    /** Draws {@code text} with its top-left corner at (x, y) in {@code rgb}. */
    static void draw(Canvas g, String text, int x, int y, int px, int rgb) {
        for (int k = 0; k < text.length(); k++) {
            int gi = CHARS.indexOf(text.charAt(k));
            if (gi < 0) {
                throw new IllegalArgumentException("label character '" + text.charAt(k) + "' not in " + CHARS);
            }
            String glyph = GLYPHS[gi];
            for (int r = 0; r < 5; r++) {
                for (int c = 0; c < 3; c++) {
                    if (glyph.charAt(r * 3 + c) == '1') {
                        g.fill(x + (k * 4 + c) * px, y + r * px, px, px, rgb);
                    }
                }
            }
        }
    }
}
