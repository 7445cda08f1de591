package io.cnnkit.io.image;

import java.util.Locale;

import io.cnnkit.engine.api.Tensor;
import io.cnnkit.io.api.PictureOptions;
import io.cnnkit.io.api.StageStats;

/**
 * The colour scale of a stage picture as an HTML fragment (inline styles, so any page can hold
 * it): the values the two ends of its colours stand for, worked out as {@link Pictures} draws
 * them. report.html and the demo page share it.
 */
public final class ColourScale {
    private static final String BOX = "<div class=\"scale\" style=\"margin:.3em 0;font:12px ui-monospace,monospace;"
            + "color:#333\">";
    private static final String ROW = "<div style=\"display:flex;align-items:center;gap:.4em\">";
    private static final String BAR = "flex:1 1 64px;min-width:48px;max-width:160px;border:1px solid #999;";
    private static final String NOTE = "<div style=\"color:#666;font-size:11px\">";

    private ColourScale() {
    }

    /**
     * The scale of {@code stage} drawn with {@code o}; empty for a bar chart (its axis carries
     * the values).
     */
    public static String html(Tensor stage, PictureOptions o) {
        return html(stage, o, null);
    }

    /**
     * As {@link #html(Tensor, PictureOptions)}, given the stage's statistics when the caller has
     * them (a report's section): when its min and max are finite they are the range the picture
     * is drawn with, and the stage is not read again.
     */
    static String html(Tensor stage, PictureOptions o, StageStats stats) {
        int[] s = stage.shape();
        if (s.length == 2 && s[1] <= Pictures.BAR_MAX_WIDTH) {
            return "";
        }
        boolean wrapped = s.length == 2;
        int channels = s.length == 4 ? s[3] : 1;
        boolean colour = !wrapped && channels == 3;
        String gradient = colour ? rgbStripes(o.bgr())
                : "<span style=\"" + BAR + "height:10px;background:" + gradient(wrapped ? PictureOptions.Colormap.VIRIDIS
                        : o.colormap()) + "\"></span>";
        StringBuilder note = new StringBuilder();
        if (colour) {
            note.append(o.bgr() ? "channels 0, 1, 2 as blue, green, red" : "channels 0, 1, 2 as red, green, blue");
        }
        if (wrapped) {
            int[] g = Pictures.wrapGeometry(s[1], o);
            sep(note).append(String.format(Locale.ROOT, "%,d values row by row, %d per row; white: no value", s[1],
                    g[0]));
        }
        String lo;
        String hi;
        if (o.range() == null && o.perChannel() && channels > 1) {
            lo = "min";
            hi = "max";
            sep(note).append("each map from its own min to its own max");
        } else {
            double[] r = o.range() == null && stats != null && Double.isFinite(stats.min()) && Double.isFinite(stats.max())
                    ? new double[] {stats.min(), stats.max()}
                    : Pictures.fixedOr(o, stage.data(), stage.offset(), stage.size(), 1);
            if (!(r[1] > r[0])) {
                String v = r[0] == r[1] ? Pictures.number(r[0]) : "no finite value";
                return BOX + ROW + "<span>constant: " + v + "</span></div>" + NOTE + "a constant stage draws mid-grey"
                        + (note.length() > 0 ? "; " + note : "") + "</div></div>";
            }
            lo = Pictures.number(r[0]);
            hi = Pictures.number(r[1]);
            if (o.range() != null) {
                long outside = outside(stage, r);
                if (outside > 0) {
                    sep(note).append(String.format(Locale.ROOT, "%.1f%% of the values outside %s..%s, drawn as its ends",
                            100.0 * outside / stage.size(), lo, hi));
                }
            }
        }
        return BOX + ROW + "<span>" + lo + "</span>" + gradient + "<span>" + hi + "</span></div>"
                + (note.length() > 0 ? NOTE + note + "</div>" : "") + "</div>";
    }

    /** How many values lie outside [r0, r1] (infinities too; NaN is no value). */
    private static long outside(Tensor t, double[] r) {
        long n = 0;
        float[] d = t.data();
        for (int i = 0; i < t.size(); i++) {
            float v = d[t.offset() + i];
            if (v < r[0] || v > r[1]) {
                n++;
            }
        }
        return n;
    }

    private static StringBuilder sep(StringBuilder b) {
        return b.length() > 0 ? b.append("; ") : b;
    }

    /** A CSS gradient through the colour map: 17 stops (viridis is near linear between them). */
    static String gradient(PictureOptions.Colormap map) {
        if (map == PictureOptions.Colormap.GREY) {
            return "linear-gradient(to right,#000,#fff)";
        }
        StringBuilder b = new StringBuilder("linear-gradient(to right");
        for (int i = 0; i <= 16; i++) {
            int level = Math.min(255, i * 16);
            b.append(String.format(Locale.ROOT, ",#%06x %.2f%%", Viridis.rgb(level), level * 100.0 / 255));
        }
        return b.append(')').toString();
    }

    /** Three stripes, black to each primary, for a 3-channel colour picture. */
    private static String rgbStripes(boolean bgr) {
        String[] c = bgr ? new String[] {"#00f", "#0f0", "#f00"} : new String[] {"#f00", "#0f0", "#00f"};
        StringBuilder b = new StringBuilder("<span style=\"" + BAR + "display:flex;flex-direction:column\">");
        for (String col : c) {
            b.append("<span style=\"height:4px;background:linear-gradient(to right,#000,").append(col)
                    .append(")\"></span>");
        }
        return b.append("</span>").toString();
    }
}
