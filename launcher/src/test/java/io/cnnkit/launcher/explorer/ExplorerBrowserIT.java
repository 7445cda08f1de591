package io.cnnkit.launcher.explorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cnnkit.testkit.RealFiles;
import io.cnnkit.testkit.browser.BrowserTest;
import io.cnnkit.testkit.browser.Chromium;

/**
 * The explorer in a real headless Chromium against {@code ./cnnkit serve} on the runtime this
 * build exported (integration-test phase, after the export): a model uploaded, a photo uploaded
 * and run, feature maps decoded, a conv cell explained (the weighted sum plus bias equals the
 * node's value), layers.conv stopped and started from the Runtime page (the Models list marks the
 * model unavailable without a reload, then ready). Screenshots for the README go to
 * target/explorer-screenshots (docs/explorer/ holds the committed copies).
 */
@BrowserTest
class ExplorerBrowserIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Path SHOTS = Path.of("target/explorer-screenshots");
    private static Process server;
    private static String url;
    @TempDir
    static Path tmp;

    @BeforeAll
    static void serve() throws Exception {
        Path models = Files.createDirectories(tmp.resolve("models"));
        Files.copy(ROOT.resolve("keras.test/src/test/resources/keras-real/k2-vww96-mobilenet.json"),
                models.resolve("k2-vww96-mobilenet.json"));
        ProcessBuilder pb = new ProcessBuilder("bash", ROOT.resolve("cnnkit").toString(), "serve", "--port", "0",
                "--models", models.toString());
        pb.environment().put("CNNKIT_NO_BUILD", "1");
        pb.environment().put("CNNKIT_JAVA_OPTS", "-Djava.io.tmpdir=" + Files.createDirectories(tmp.resolve("jtmp")));
        pb.redirectErrorStream(true);
        server = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
            StringBuilder seen = new StringBuilder();
            try {
                for (String line; (line = out.readLine()) != null;) {
                    Matcher m = Pattern.compile("(http://127\\.0\\.0\\.1:[0-9]+/)").matcher(line);
                    if (m.find()) {
                        return m.group(1);
                    }
                    seen.append(line).append('\n');
                }
            } catch (IOException e) {
                seen.append(e);
            }
            throw new IllegalStateException("./cnnkit serve printed no URL:\n" + seen);
        });
        url = first.get(120, TimeUnit.SECONDS);
        // keep reading, so that the server never blocks on a full pipe
        CompletableFuture.runAsync(() -> {
            try {
                while (out.readLine() != null) {
                    // discard
                }
            } catch (IOException e) {
                // the server ended
            }
        });
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.descendants().forEach(ProcessHandle::destroy); // SIGTERM: the JVM removes the uploads
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /**
     * A ~150-node MobileNetV2 (a real Keras full-model .h5 of ../shared/keras-real): the graph
     * draws every node of the API's graph, and a zoom step (button, then wheel) and a drag
     * change the view (the SVG's viewBox).
     */
    @Test
    void largeGraphRendersAllNodesAndZooms() throws Exception {
        String dir = System.getProperty("cnnkit.kerasReal");
        Path real = (dir != null ? Path.of(dir) : ROOT.resolveSibling("shared").resolve("keras-real"))
                .resolve("k2-kws-mobilenetv2.h5");
        RealFiles.assumePresent(Files.isRegularFile(real), real + " is missing");
        Files.copy(real, tmp.resolve("models").resolve(real.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        try (Chromium b = Chromium.forTest(1200, 760)) {
            b.navigate(url);
            b.waitFor("document.querySelector('#load-seed')", WAIT);
            int nodes = b.evaluate("(async () => { const m = await api('/models?folder=k2-kws-mobilenetv2.h5', "
                    + "{ method: 'POST' }); await added(m); return (await api(`/models/${m.name}/graph`)).nodes.length; })()",
                    Integer.class);
            assertTrue(nodes >= 140, "MobileNetV2 has " + nodes + " nodes");
            b.evaluate("document.querySelector('#graph-model').value = 'k2-kws-mobilenetv2'; location.hash = '#graph'");
            b.waitFor("document.querySelectorAll('#graph-svg .node').length === " + nodes, WAIT);
            String fitted = b.evaluate("document.querySelector('#graph-svg').getAttribute('viewBox')", String.class);
            b.click("#graph-zoom-in");
            String zoomed = b.evaluate("document.querySelector('#graph-svg').getAttribute('viewBox')", String.class);
            double[] f = box(fitted);
            double[] z = box(zoomed);
            assertTrue(z[2] < f[2] && z[3] < f[3], "zoom in: " + fitted + " -> " + zoomed);
            b.evaluate("(() => { const s = document.querySelector('#graph-svg'); const r = s.getBoundingClientRect();"
                    + " s.dispatchEvent(new WheelEvent('wheel', { deltaY: 100, clientX: r.left + 50, clientY: r.top + 50,"
                    + " bubbles: true, cancelable: true })); return 0; })()", Integer.class);
            double[] w = box(b.evaluate("document.querySelector('#graph-svg').getAttribute('viewBox')", String.class));
            assertTrue(w[2] > z[2], "wheel down zooms out: " + zoomed + " -> " + w[2]);
            b.evaluate("(() => { const s = document.querySelector('#graph-svg'); const r = s.getBoundingClientRect();"
                    + " s.dispatchEvent(new PointerEvent('pointerdown', { clientX: r.left + 300, clientY: r.top + 300, bubbles: true }));"
                    + " window.dispatchEvent(new PointerEvent('pointermove', { clientX: r.left + 200, clientY: r.top + 100 }));"
                    + " window.dispatchEvent(new PointerEvent('pointerup', {})); return 0; })()", Integer.class);
            double[] p = box(b.evaluate("document.querySelector('#graph-svg').getAttribute('viewBox')", String.class));
            assertTrue(p[0] > w[0] && p[1] > w[1] && p[2] == w[2], "a drag pans without zooming");
        }
    }

    /** The walkthrough's kernels step and truncated-models step, through their "Show me" buttons. */
    @Test
    void walkthroughKernelsAndTruncatedModels() throws Exception {
        try (Chromium b = Chromium.forTest(1200, 760)) {
            b.navigate(url);
            b.waitFor("document.querySelector('#load-seed')", WAIT);
            b.evaluate("location.hash = '#walkthrough'; document.querySelectorAll('#walk-steps li button')[1].click()");
            b.waitFor("document.querySelectorAll('figure.walk-kernel').length === 3 && [...document.querySelectorAll("
                    + "'figure.walk-kernel img')].every(i => i.complete && i.naturalWidth > 0)", WAIT);
            int cells = b.evaluate("[...document.querySelectorAll('figure.walk-kernel table.kernel')].map(t => "
                    + "t.querySelectorAll('td').length).reduce((a, c) => a + c, 0)", Integer.class);
            assertEquals(9 + 25 + 9, cells, "sharpen 3x3, sharpen5 5x5, laplacian 3x3 as numbers");
            b.evaluate("[...document.querySelectorAll('#walk-steps li')].find(li => li.textContent.startsWith("
                    + "'Deeper layers')).querySelector('button').click()");
            b.waitFor("document.querySelectorAll('table.walk-truncated tr[data-model]').length === 12", WAIT);
            String loaded = b.evaluate("[...document.querySelectorAll('table.walk-truncated tr[data-model]')]"
                    + ".map(r => r.children[2].textContent).join(',')", String.class);
            assertTrue(!loaded.startsWith("0") && loaded.split(",").length == 12, "weights loaded by name: " + loaded);
            b.screenshot(SHOTS.resolve("walkthrough.png"));
        }
    }

    private static double[] box(String viewBox) {
        String[] p = viewBox.trim().split("\\s+");
        return new double[] {Double.parseDouble(p[0]), Double.parseDouble(p[1]), Double.parseDouble(p[2]),
            Double.parseDouble(p[3])};
    }

    @Test
    void modelRunExplainAndRuntime() throws Exception {
        try (Chromium b = Chromium.forTest(1200, 760)) {
            b.navigate(url);
            b.waitFor("document.querySelector('#load-seed')", WAIT);

            // a model file uploaded, and the seed model
            Path json = tmp.resolve("tiny.json");
            Files.writeString(json, "{\"name\": \"tiny\", \"input_shape\": [300, 300, 3], \"layers\": ["
                    + "{\"type\": \"conv2d\", \"name\": \"conv_a\", \"filters\": 4, \"kernel_size\": [5, 5], \"padding\": \"same\"},"
                    + "{\"type\": \"max_pooling2d\", \"pool_size\": [2, 2]}]}");
            b.setFileInput("#model-file", json);
            b.waitFor("document.querySelector('#model-list tr[data-model=\"tiny\"] .available')", WAIT);
            b.click("#load-seed");
            b.waitFor("document.querySelector('#model-list tr[data-model=\"walkthrough\"] .available')", WAIT);
            // the graph of a MobileNet from the --models folder
            b.evaluate("[...document.querySelectorAll('#folder-list button')].find(x => x.textContent.includes('k2-vww96'))"
                    + ".click()");
            b.waitFor("document.querySelector('#model-list tr[data-model=\"k2-vww96-mobilenet\"] .available')", WAIT);
            b.evaluate("document.querySelector('#graph-model').value = 'k2-vww96-mobilenet'; location.hash = '#graph'");
            b.waitFor("document.querySelectorAll('#graph-svg .node').length > 80", WAIT);
            b.click("#graph-zoom-out");
            b.evaluate("document.querySelectorAll('#graph-svg .node')[3].dispatchEvent(new MouseEvent('click', {bubbles: true}))");
            b.waitFor("!document.querySelector('#node-panel').hidden", WAIT);
            b.screenshot(SHOTS.resolve("graph.png"));

            // a photo uploaded and run on the seed model
            b.evaluate("document.querySelector('#run-model').value = 'walkthrough'; location.hash = '#run'");
            b.setFileInput("#image-file", ROOT.resolve("explorer/src/main/resources/web/astronaut.png"));
            b.waitFor("document.querySelectorAll('.node-out').length === 13", WAIT);
            b.waitFor("[...document.querySelectorAll('img.map')].slice(0, 6).every(i => i.complete && i.naturalWidth > 0)",
                    WAIT);
            int decoded = b.evaluate("[...document.querySelectorAll('img.map')].filter(i => i.naturalWidth > 0).length",
                    Integer.class);
            assertTrue(decoded >= 6, decoded + " feature maps decoded");
            b.screenshot(SHOTS.resolve("run.png"));

            // a conv cell: enlarge conv_1's first map, click a cell, read the explanation
            b.click("img.map[data-node=\"1\"][data-channel=\"0\"]");
            b.waitFor("!document.querySelector('#enlarged').hidden && document.querySelector('#enlarged-img').naturalWidth > 0",
                    WAIT);
            @SuppressWarnings("unchecked")
            Map<String, Number> box = b.evaluate("(() => { const r = document.querySelector('#enlarged-img')"
                    + ".getBoundingClientRect(); return {x: r.left + r.width * 0.41, y: r.top + r.height * 0.37}; })()",
                    Map.class);
            b.clickAt(box.get("x").doubleValue(), box.get("y").doubleValue());
            b.waitFor("document.querySelector('#explain-pre')", WAIT);
            double pre = b.evaluate("+document.querySelector('#explain-pre').dataset.value", Double.class);
            double shown = b.evaluate("+document.querySelector('#explain-output').dataset.value", Double.class);
            // the node's own output at that cell, from the run's values (not from the explanation)
            double value = b.evaluate("(async () => { const e = state.explain; const v = await api(`/runs/${state.run.id}"
                    + "/nodes/1/values?channel=0`); return v.values[e.y * v.width + e.x]; })()", Double.class);
            // the same float32: printed shortest as a float by the values route, widened to double by explain
            assertEquals((float) value, (float) shown, 0.0f, "the explanation's output value is the node's");
            assertEquals(value, pre, 1e-4 * Math.max(1, Math.abs(value)), "weighted sum + bias = the node's value");
            double sum = b.evaluate("state.explain.products.flat(2).reduce((a, b) => a + b, 0)", Double.class);
            double shownSum = b.evaluate("+document.querySelector('#explain-sum').dataset.value", Double.class);
            assertEquals(sum, shownSum, 1e-6 * Math.max(1, Math.abs(sum)), "the sum shown is the products' sum");
            b.screenshot(SHOTS.resolve("explain.png"));

            // Runtime: stop layers.conv (Bundle.stop in the runtime); the page marks the models, live
            b.evaluate("location.hash = '#runtime'");
            b.waitFor("document.querySelector('tr[data-bundle=\"io.cnnkit.layers.conv\"] button')", WAIT);
            b.click("tr[data-bundle=\"io.cnnkit.layers.conv\"] button");
            b.waitFor("(document.querySelector('#model-list tr[data-model=\"walkthrough\"] .unavailable') || {}).textContent"
                    + " === 'unavailable: missing layer type conv2d'", WAIT);
            b.waitFor("document.querySelector('#rt-models tr[data-model=\"walkthrough\"] .unavailable')", WAIT);
            b.evaluate("window.scrollTo(0, 0)");
            b.screenshot(SHOTS.resolve("runtime.png"));
            b.click("tr[data-bundle=\"io.cnnkit.layers.conv\"] button");
            b.waitFor("document.querySelector('#model-list tr[data-model=\"walkthrough\"] .available')", WAIT);
            b.waitFor("!document.querySelector('#model-list .unavailable')", WAIT);
            List<String> errors = b.errors();
            assertTrue(errors.isEmpty(), "page errors: " + errors);
        }
    }
}
