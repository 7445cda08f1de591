package io.cnnkit.explorer.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.cnnkit.engine.api.Engine;
import io.cnnkit.engine.api.Initializers;
import io.cnnkit.engine.api.Model;
import io.cnnkit.io.api.ClassLabels;
import io.cnnkit.io.api.ImageOptions;
import io.cnnkit.io.api.LabelsException;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The explorer's JSON API under {@code /api} (README "Explorer (web app)" lists every route).
 * Every answer is JSON; every error is {@code {"status", "error", "hint"}} with a 4xx/5xx
 * status, never a stack trace. Each browser session sees only its own models and runs.
 */
@Component(service = Servlet.class, configurationPid = ApiServlet.PID, property = {
    "osgi.http.whiteboard.servlet.pattern=/api/*",
    "osgi.http.whiteboard.servlet.name=cnnkit-explorer-api"})
public final class ApiServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    /**
     * Configuration (PID {@value}, or framework/system properties cnnkit.explorer.KEY, which
     * ./cnnkit serve sets): models.dir (--models), session.minutes, upload.model.mb,
     * upload.image.mb, image.max.pixels.
     */
    static final String PID = "io.cnnkit.explorer";
    static final String SAMPLE = "astronaut";

    private final transient Engine engine;
    private final transient Sessions sessions;
    private final transient RuntimeState runtime;
    private final transient ObjectMapper json = new ObjectMapper();
    private final transient ModelsFolder folder;
    private final long maxModelBytes;
    private final long maxImageBytes;
    private final long maxPixels;

    @Activate
    public ApiServlet(BundleContext context, @Reference Engine engine, Map<String, Object> config) {
        this.engine = engine;
        config = withProperties(context, config);
        this.sessions = new Sessions(60_000L * longOf(config, "session.minutes", 30));
        this.runtime = new RuntimeState(context, engine);
        Object dir = config.get("models.dir");
        this.folder = dir == null || dir.toString().isBlank() ? null : new ModelsFolder(Path.of(dir.toString()));
        this.maxModelBytes = longOf(config, "upload.model.mb", 100) * 1_000_000L;
        this.maxImageBytes = longOf(config, "upload.image.mb", 25) * 1_000_000L;
        this.maxPixels = longOf(config, "image.max.pixels", ImageOptions.DEFAULT_MAX_PIXELS);
    }

    private static Map<String, Object> withProperties(BundleContext context, Map<String, Object> config) {
        Map<String, Object> all = new HashMap<>(config);
        for (String key : List.of("models.dir", "session.minutes", "upload.model.mb", "upload.image.mb",
                "image.max.pixels")) {
            String v = context.getProperty("cnnkit.explorer." + key);
            if (v != null && !all.containsKey(key)) {
                all.put(key, v);
            }
        }
        return all;
    }

    private static long longOf(Map<String, Object> config, String key, long def) {
        Object v = config.get(key);
        return v == null ? def : Long.parseLong(v.toString().strip());
    }

    @Deactivate
    void deactivate() {
        runtime.close();
        sessions.close();
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setHeader("Cache-Control", "no-store");
        resp.setHeader("X-Content-Type-Options", "nosniff");
        try {
            Session session = sessions.of(req, resp);
            String path = req.getPathInfo() == null ? "/" : req.getPathInfo();
            List<String> p = List.of(path.replaceAll("^/+|/+$", "").split("/"));
            Object result = route(req, resp, session, req.getMethod(), p, query(req));
            if (result instanceof Path file) {
                resp.setContentType("image/png");
                resp.setContentLengthLong(Files.size(file));
                Files.copy(file, resp.getOutputStream());
            } else if (result != null) {
                send(resp, 200, result);
            }
        } catch (HttpError e) {
            error(resp, e.status, e.getMessage(), e.hint);
        } catch (RuntimeException e) {
            // a bug, not a bad request: the message, never the stack trace
            error(resp, 500, "internal error: " + e.getClass().getSimpleName() + ": " + e.getMessage(),
                    "report it with the steps that led here");
        }
    }

    private Object route(HttpServletRequest req, HttpServletResponse resp, Session s, String method, List<String> p,
            Map<String, String> q) throws IOException {
        String first = p.get(0);
        int n = p.size();
        switch (first) {
            case "health" -> {
                return Map.of("ok", true);
            }
            case "session" -> {
                if (method.equals("DELETE")) {
                    sessions.end(s);
                    return Map.of("ended", true);
                }
            }
            case "models" -> {
                if (n == 1 && method.equals("GET")) {
                    return models(s);
                }
                if (n == 1 && method.equals("POST")) {
                    return addModel(req, s, q);
                }
                if (n == 2 && method.equals("POST") && p.get(1).equals("description")) {
                    String text = new String(req.getInputStream().readNBytes(20_001), StandardCharsets.UTF_8);
                    return added(s, ModelLoader.fromDescription(engine, text, s.freeName(q.getOrDefault("as", "description"))),
                            "description: " + text.strip(), null);
                }
                if (n == 2 && method.equals("POST") && p.get(1).equals("seed")) {
                    String act = q.getOrDefault("activation", "relu");
                    if (!List.of("relu", "sigmoid", "tanh").contains(act)) {
                        throw HttpError.badRequest("the seed model's activation is relu, sigmoid or tanh, not '"
                                + Uploads.printable(act) + "'", "as in the walkthrough");
                    }
                    String base = act.equals("relu") ? "walkthrough" : "walkthrough_" + act;
                    if (q.containsKey("layers")) { // truncated, its weights loaded by name as in the demo
                        int layers = intOf(q, "layers");
                        Walkthrough.Truncated t = Walkthrough.truncated(engine, act, layers,
                                s.freeName(base + "_" + layers), s.dir);
                        Map<String, Object> entry = added(s, t.model(), "the walkthrough's seed model (" + act
                                + ") up to " + t.lastLayer() + ", weights loaded by name", null);
                        entry.put("loaded", t.loaded());
                        return entry;
                    }
                    return added(s, ModelLoader.build(engine, ModelLoader.seed(act), s.freeName(base), "the seed model"),
                            "the walkthrough's seed model (" + act + ")", null);
                }
                if (n == 2 && method.equals("POST") && p.get(1).equals("kernel")) {
                    String k = q.getOrDefault("kernel", "");
                    Map<String, Object> entry = added(s, Walkthrough.kernel(engine, k, s.freeName("kernel_" + k)),
                            "the classic kernel " + k, null);
                    entry.put("kernel", Initializers.kernel(k));
                    return entry;
                }
                if (n == 2 && method.equals("DELETE")) {
                    s.remove(p.get(1));
                    return Map.of("removed", p.get(1));
                }
                if (n == 3 && method.equals("GET") && p.get(2).equals("graph")) {
                    return ModelJson.graph(s.model(p.get(1)));
                }
                if (n == 3 && method.equals("POST") && p.get(2).equals("labels")) {
                    s.model(p.get(1));
                    Uploads.extension(q.get("name"), Set.of("txt", "json"), "labels");
                    byte[] body = req.getInputStream().readNBytes(5_000_001);
                    if (body.length > 5_000_000) {
                        throw new HttpError(413, "the labels file is over 5 MB", ClassLabels.TEXT_HINT);
                    }
                    List<String> l = labelLines(Uploads.printable(q.get("name")), new String(body, StandardCharsets.UTF_8));
                    s.setLabels(p.get(1), l);
                    return Map.of("model", p.get(1), "labels", l.size());
                }
                if (n == 3 && method.equals("POST") && p.get(2).equals("runs")) {
                    return run(req, s, s.model(p.get(1)), q);
                }
            }
            case "runs" -> {
                if (n >= 2) {
                    RunData run = s.run(p.get(1));
                    if (n == 2 && method.equals("GET")) {
                        return run.json();
                    }
                    if (n == 3 && method.equals("GET") && p.get(2).equals("explain")) {
                        Session.LoadedModel lm = s.model(run.model());
                        return Explain.of(run, lm.model(), intOf(q, "node"), intOf(q, "y"), intOf(q, "x"),
                                intOf(q, "channel"));
                    }
                    if (n == 6 && method.equals("GET") && p.get(2).equals("nodes") && p.get(4).equals("maps")
                            && p.get(5).endsWith(".png")) {
                        return Runner.map(run, parse(p.get(3), "node"), parse(p.get(5).replace(".png", ""), "channel"));
                    }
                    if (n == 5 && method.equals("GET") && p.get(2).equals("nodes") && p.get(4).equals("values")) {
                        return Values.of(run, parse(p.get(3), "node"), q.containsKey("channel") ? intOf(q, "channel") : 0);
                    }
                }
            }
            case "runtime" -> {
                if (n == 1 && method.equals("GET")) {
                    return runtime.json(s);
                }
                if (n == 2 && method.equals("GET") && p.get(1).equals("events")) {
                    events(resp, s);
                    return null;
                }
                if (n == 4 && method.equals("POST") && p.get(1).equals("bundles")
                        && (p.get(3).equals("stop") || p.get(3).equals("start"))) {
                    runtime.switchBundle(p.get(2), p.get(3).equals("start"));
                    return runtime.json(s);
                }
            }
            default -> {
                // falls through to 404
            }
        }
        throw HttpError.notFound("no API route " + method + " /api/" + Uploads.printable(String.join("/", p)),
                "README's 'Explorer (web app)' section lists the routes");
    }

    private Map<String, Object> models(Session s) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("models", s.models().values().stream().map(ModelJson::entry).toList());
        o.put("folder", folder == null ? null : folder.list());
        o.put("samples", List.of(SAMPLE));
        o.put("kernels", Walkthrough.KERNELS);
        return o;
    }

    private Object addModel(HttpServletRequest req, Session s, Map<String, String> q) throws IOException {
        if (q.containsKey("folder")) {
            if (folder == null) {
                throw HttpError.badRequest("no models folder was given", "start the explorer with ./cnnkit serve --models DIR");
            }
            String name = q.get("folder");
            Path file = folder.file(name);
            String as = s.freeName(stem(name));
            Map<String, Object> entry = added(s, ModelLoader.fromFile(engine, file, name, as), "models folder: " + name, null);
            Path labels = folder.labelsFor(name);
            if (labels != null) { // STEM.labels.txt beside the model; decoded as an upload is (not UTF-8: U+FFFD, no 500)
                s.setLabels(as, labelLines(labels.getFileName().toString(),
                        new String(Files.readAllBytes(labels), StandardCharsets.UTF_8)));
                entry.put("labels", s.labels(as).size());
            }
            return entry;
        }
        String name = q.get("name");
        String ext = Uploads.extension(name, Uploads.MODEL_EXTENSIONS, "model");
        Path file = s.dir.resolve("model-" + s.next() + "." + ext);
        Uploads.save(req.getInputStream(), req.getContentLengthLong(), maxModelBytes, file, "model file");
        Model m;
        try {
            m = ModelLoader.fromFile(engine, file, name, s.freeName(stem(name)));
        } catch (RuntimeException e) {
            Uploads.delete(file);
            throw e;
        }
        return added(s, m, "upload: " + name, file);
    }

    private Map<String, Object> added(Session s, Model m, String origin, Path file) {
        Session.LoadedModel lm = new Session.LoadedModel(m.name(), m, origin, file);
        s.add(lm);
        return ModelJson.entry(lm);
    }

    private Map<String, Object> run(HttpServletRequest req, Session s, Session.LoadedModel lm, Map<String, String> q)
            throws IOException {
        ImageOptions options = Runner.options(q, lm.model(), maxPixels);
        Path image;
        String shown;
        boolean temporary;
        if (q.containsKey("sample")) {
            if (!SAMPLE.equals(q.get("sample"))) {
                throw HttpError.notFound("no sample image '" + Uploads.printable(q.get("sample")) + "'",
                        "the bundled sample is 'astronaut'");
            }
            image = s.dir.resolve("sample-" + s.next() + ".png");
            try (InputStream in = getClass().getResourceAsStream("/web/astronaut.png")) {
                Files.copy(in, image);
            }
            shown = "astronaut.png";
            temporary = true;
        } else {
            String name = q.get("name");
            String ext = Uploads.extension(name, Uploads.IMAGE_EXTENSIONS, "image");
            image = s.dir.resolve("image-" + s.next() + "." + ext);
            Uploads.save(req.getInputStream(), req.getContentLengthLong(), maxImageBytes, image, "image");
            shown = name;
            temporary = true;
        }
        try {
            RunData run = Runner.run(s, lm, image, shown, options);
            s.addRun(run);
            return run.json();
        } finally {
            if (temporary) {
                Uploads.delete(image); // the run keeps the decoded tensor, not the file
            }
        }
    }

    /** Server-sent events: the runtime's state now, then again after every bundle or service change. */
    private void events(HttpServletResponse resp, Session s) throws IOException {
        resp.setContentType("text/event-stream");
        resp.setCharacterEncoding("UTF-8");
        PrintWriter w = resp.getWriter();
        long seen = runtime.version();
        w.write("event: runtime\ndata: " + json.writeValueAsString(runtime.json(s)) + "\n\n");
        w.flush();
        try {
            while (!runtime.closed() && !w.checkError()) {
                long v = runtime.await(seen, 15_000);
                if (v == seen) {
                    w.write(": keep-alive\n\n");
                } else {
                    Thread.sleep(250); // let the engine rebuild its models before they are listed
                    seen = runtime.version();
                    w.write("event: runtime\ndata: " + json.writeValueAsString(runtime.json(s)) + "\n\n");
                }
                w.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void send(HttpServletResponse resp, int status, Object body) throws IOException {
        resp.setStatus(status);
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        resp.getWriter().write(json.writeValueAsString(body));
    }

    private void error(HttpServletResponse resp, int status, String message, String hint) throws IOException {
        if (resp.isCommitted()) {
            return;
        }
        resp.reset();
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("status", status);
        e.put("error", message);
        e.put("hint", hint);
        send(resp, status, e);
    }

    /** The query string's parameters; never the body (uploads are raw bodies). */
    static Map<String, String> query(HttpServletRequest req) {
        Map<String, String> q = new HashMap<>();
        String qs = req.getQueryString();
        if (qs == null || qs.isEmpty()) {
            return q;
        }
        for (String pair : qs.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                q.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw HttpError.badRequest("the query parameter '" + Uploads.printable(k) + "' is not URL-encoded properly",
                        "encode it with encodeURIComponent (or curl --data-urlencode)");
            }
        }
        return q;
    }

    private static int intOf(Map<String, String> q, String key) {
        String v = q.get(key);
        if (v == null) {
            throw HttpError.badRequest("the query parameter " + key + " is missing", "add " + key + "=N (a whole number)");
        }
        return parse(v, key);
    }

    private static int parse(String v, String what) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw HttpError.badRequest(what + " '" + Uploads.printable(v) + "' is not a whole number", "give e.g. " + what + "=0");
        }
    }

    /** A labels file as ./cnnkit run --labels reads it: one per line, or a JSON class index. */
    static List<String> labelLines(String file, String text) {
        try {
            return ClassLabels.parse(file, text);
        } catch (LabelsException e) {
            throw HttpError.badRequest(e.getMessage(), e.hint());
        }
    }

    private static String stem(String name) {
        String n = name.toLowerCase(Locale.ROOT).endsWith(".weights.h5") ? name.substring(0, name.length() - 11) : name;
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }
}
