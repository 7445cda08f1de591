package io.cnnkit.explorer.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.ModelUnavailableException;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Stage;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.io.api.CnnIoException;
import io.cnnkit.io.api.ImageOptions;
import io.cnnkit.io.api.Images;
import io.cnnkit.io.api.PictureOptions;
import io.cnnkit.io.api.StageStats;

/**
 * Runs a model on an image (trace: every node's output) and describes the result: per node
 * its shape, statistics, a histogram and the URLs of its per-channel maps, and the top classes
 * of each output. Pictures are drawn by io.image on demand.
 */
final class Runner {
    static final int HISTOGRAM_BINS = 32;
    static final int TOP_K = 5;

    private Runner() {
    }

    /** Image options from the request's preprocessing choices ({@code resize=WxH} or {@code resize=model}). */
    static ImageOptions options(Map<String, String> q, Model model, long maxPixels) {
        ImageOptions o = ImageOptions.DEFAULT.withMaxPixels(maxPixels)
                .withGrey(flag(q, "grey")).withBgr(flag(q, "bgr"));
        String rescale = q.getOrDefault("rescale", "").strip();
        if (!rescale.isEmpty()) {
            double r;
            try {
                r = rescale.contains("/") ? Double.parseDouble(rescale.substring(0, rescale.indexOf('/')))
                        / Double.parseDouble(rescale.substring(rescale.indexOf('/') + 1)) : Double.parseDouble(rescale);
            } catch (NumberFormatException e) {
                throw HttpError.badRequest("rescale '" + Uploads.printable(rescale) + "' is not a number",
                        "give a factor such as 1/255 or 0.00392");
            }
            if (!Double.isFinite(r) || r == 0) {
                throw HttpError.badRequest("rescale must be a finite, non-zero factor, got " + rescale, "1/255 maps 0..255 to 0..1");
            }
            o = o.withRescale(r);
        }
        String resize = q.getOrDefault("resize", "").strip().toLowerCase(Locale.ROOT);
        if (resize.equals("model")) {
            Shape in = model.inputShape();
            if (in.rank() == 3 && in.isKnown(0) && in.isKnown(1)) {
                o = o.withResize(in.dim(1), in.dim(0));
            }
        } else if (!resize.isEmpty()) {
            String[] wh = resize.split("x");
            try {
                int w = Integer.parseInt(wh[0]);
                int h = Integer.parseInt(wh[1]);
                if (wh.length != 2 || w < 1 || h < 1 || w > 4096 || h > 4096) {
                    throw new NumberFormatException();
                }
                o = o.withResize(w, h);
            } catch (RuntimeException e) {
                throw HttpError.badRequest("resize '" + Uploads.printable(resize) + "' is not WIDTHxHEIGHT",
                        "give e.g. resize=224x224 (1..4096 each) or resize=model");
            }
        }
        return o;
    }

    private static boolean flag(Map<String, String> q, String name) {
        String v = q.get(name);
        return v != null && !v.equals("false") && !v.equals("0");
    }

    static RunData run(Session session, Session.LoadedModel lm, Path image, String shownName, ImageOptions options) {
        List<String> labels = session.labels(lm.name());
        Tensor input;
        try {
            input = Images.read(image, options);
        } catch (CnnIoException e) {
            String m = String.valueOf(e.getMessage()).replace(image.toString(), shownName);
            int api = m.indexOf("; raise it with ImageOptions"); // advice for Java callers, not for an upload
            if (api > 0) {
                m = m.substring(0, api);
            }
            int status = m.contains("pixels") && m.contains("limit") ? 413 : 422;
            throw new HttpError(status, m.startsWith(shownName) ? m : shownName + ": " + m,
                    "upload a PNG, JPEG, BMP or GIF of at most " + options.maxPixels() / 1_000_000 + " megapixels");
        }
        Model m = lm.model();
        Shape want = m.inputShape();
        Shape got = Shape.ofSample(input);
        if (!want.accepts(got)) {
            throw HttpError.unprocessable("model " + lm.name() + " takes " + want + " but the image is " + got,
                    "tick 'resize to the model's input' (resize=model), or grey for one channel");
        }
        List<Stage> stages;
        try {
            stages = m.trace(input);
        } catch (ModelUnavailableException e) {
            throw new HttpError(409, "model " + lm.name() + " is unavailable: " + m.unavailableReason(),
                    "start the bundle that provides it (Runtime page)");
        } catch (ModelException | IllegalArgumentException e) {
            throw HttpError.unprocessable("model " + lm.name() + " cannot run on this image: " + e.getMessage(),
                    "check the preprocessing (size, grey, rescale)");
        }
        String id = Integer.toString(session.next());
        Path dir = session.dir.resolve("run-" + id);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new HttpError(500, "cannot create the run's folder: " + e.getMessage(), "check the free disk space");
        }
        List<Map<String, Object>> nodes = new ArrayList<>();
        for (Stage s : stages) {
            nodes.add(node(id, s));
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", id);
        json.put("model", lm.name());
        json.put("image", shownName);
        json.put("input", got.toString());
        json.put("nodes", nodes);
        json.put("top", top(m, stages, labels));
        return new RunData(id, lm.name(), stages, json, dir);
    }

    private static Map<String, Object> node(String run, Stage s) {
        Tensor t = s.output();
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("index", s.index());
        n.put("name", s.name());
        n.put("type", s.type());
        n.put("shape", Shape.format(t.shape()));
        n.put("inputs", s.inputs());
        StageStats st = StageStats.of(t);
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("min", finite(st.min()));
        stats.put("max", finite(st.max()));
        stats.put("mean", finite(st.mean()));
        stats.put("std", finite(st.std()));
        stats.put("zeroFraction", st.zeroFraction());
        n.put("stats", stats);
        n.put("histogram", histogram(t, st));
        boolean image = t.rank() == 4;
        n.put("kind", image ? "maps" : "vector");
        n.put("channels", image ? t.dim(3) : 1);
        n.put("height", image ? t.dim(1) : 1);
        n.put("width", image ? t.dim(2) : t.size());
        n.put("maps", "/api/runs/" + run + "/nodes/" + s.index() + "/maps/");
        return n;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /** Counts of the finite values in {@value #HISTOGRAM_BINS} equal bins from min to max. */
    static Map<String, Object> histogram(Tensor t, StageStats st) {
        long[] counts = new long[HISTOGRAM_BINS];
        double lo = st.min();
        double hi = st.max();
        if (Double.isFinite(lo) && Double.isFinite(hi)) {
            float[] d = t.data();
            double width = (hi - lo) / HISTOGRAM_BINS;
            for (int i = 0, off = t.offset(); i < t.size(); i++) {
                double v = d[off + i];
                if (Double.isFinite(v)) {
                    int b = width == 0 ? 0 : (int) ((v - lo) / width);
                    counts[Math.min(Math.max(b, 0), HISTOGRAM_BINS - 1)]++;
                }
            }
        }
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("min", finite(lo));
        h.put("max", finite(hi));
        h.put("counts", counts);
        return h;
    }

    /** The top classes of every output that is a vector of more than one value. */
    private static List<Map<String, Object>> top(Model m, List<Stage> stages, List<String> labels) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String name : m.outputNames()) {
            Stage s = stages.stream().filter(x -> x.name().equals(name)).findFirst().orElse(null);
            if (s == null || s.output().rank() != 2 || s.output().dim(1) < 2) {
                continue;
            }
            float[] v = s.output().toArray();
            Integer[] order = new Integer[v.length];
            for (int i = 0; i < v.length; i++) {
                order[i] = i;
            }
            java.util.Arrays.sort(order, (a, b) -> Float.compare(v[b], v[a]));
            List<Map<String, Object>> classes = new ArrayList<>();
            for (int r = 0; r < Math.min(TOP_K, v.length); r++) {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("rank", r + 1);
                c.put("index", order[r]);
                c.put("label", order[r] < labels.size() && v.length == labels.size() ? labels.get(order[r])
                        : Integer.toString(order[r])); // labels only when there is one per class
                c.put("value", (double) v[order[r]]);
                classes.add(c);
            }
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("output", name);
            o.put("probabilities", isProbability(m, name));
            o.put("labelled", v.length == labels.size());
            o.put("classes", classes);
            out.add(o);
        }
        return out;
    }

    private static boolean isProbability(Model m, String node) {
        return m.description().layers().stream().filter(l -> l.name().equals(node)).anyMatch(l -> {
            String act = String.valueOf(l.raw("activation"));
            return l.type().equals("softmax") || act.equals("softmax") || act.equals("sigmoid");
        });
    }

    /** One channel (or a whole vector) of a node drawn in viridis on the node's own min..max. */
    static Path map(RunData run, int node, int channel) {
        Stage s = run.stage(node);
        Tensor t = s.output();
        int channels = t.rank() == 4 ? t.dim(3) : 1;
        if (channel < 0 || channel >= channels) {
            throw HttpError.notFound("node " + s.name() + " has no channel " + channel + " (it has 0.." + (channels - 1) + ")",
                    "channels are numbered from 0");
        }
        Path file = run.dir().resolve("n" + node + "-c" + channel + ".png");
        if (Files.exists(file)) {
            return file;
        }
        Tensor picture = t.rank() == 4 ? channel(t, channel) : t;
        StageStats st = StageStats.of(t);
        PictureOptions o = PictureOptions.DEFAULT.withColormap(PictureOptions.Colormap.VIRIDIS).withScale(1);
        if (Double.isFinite(st.min()) && st.max() > st.min()) {
            o = o.withRange(new PictureOptions.Range(st.min(), st.max())); // one colour scale for all the node's maps
        }
        Images.writePicture(picture, file, o);
        return file;
    }

    /** Channel {@code c} of a (1, H, W, C) tensor as (1, H, W, 1). */
    static Tensor channel(Tensor t, int c) {
        int h = t.dim(1);
        int w = t.dim(2);
        int cs = t.dim(3);
        float[] d = t.data();
        int off = t.offset();
        float[] out = new float[h * w];
        for (int i = 0; i < h * w; i++) {
            out[i] = d[off + i * cs + c];
        }
        return Tensor.wrap(out, 1, h, w, 1);
    }
}
