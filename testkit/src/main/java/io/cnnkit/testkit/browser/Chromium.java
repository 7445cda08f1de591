package io.cnnkit.testkit.browser;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A headless Chromium driven over the Chrome DevTools Protocol, with nothing but the JDK and
 * Jackson: one browser process, one page. Every wait has a timeout; failures name what was
 * awaited. Console errors and uncaught exceptions of the page are collected ({@link #errors()}).
 *
 * <pre>{@code
 * try (Chromium browser = Chromium.forTest()) {
 *     browser.navigate("http://127.0.0.1:" + port + "/");
 *     browser.click("#run");
 *     browser.waitFor("document.querySelector('#result').textContent !== ''", Duration.ofSeconds(10));
 *     browser.screenshot(Path.of("target/screenshots/result.png"));
 *     browser.assertNoErrors();
 * }
 * }</pre>
 */
public final class Chromium implements AutoCloseable {
    /** System property that skips browser tests (they are reported as skipped, not failed). */
    public static final String SKIP_PROPERTY = "cnnkit.browser.skip";
    public static final int DEFAULT_WIDTH = 1280;
    public static final int DEFAULT_HEIGHT = 800;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(50);

    private final ChromiumProcess process;
    private final CdpConnection cdp;
    private final String session;
    private final int width;
    private final int height;
    private final PageEvents events;
    private final Thread killOnExit;
    private volatile boolean closed;

    private Chromium(ChromiumProcess process, CdpConnection cdp, String session, int width, int height) {
        this.process = process;
        this.cdp = cdp;
        this.session = session;
        this.width = width;
        this.height = height;
        this.events = new PageEvents(cdp, session);
        // a test that forgets close() (or a JVM stopped mid-test) must not leave a browser running
        this.killOnExit = new Thread(() -> process.destroy(Duration.ZERO), "chromium-kill");
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /** {@link #forTest(int, int)} with {@value #DEFAULT_WIDTH}x{@value #DEFAULT_HEIGHT}. */
    public static Chromium forTest() {
        return forTest(DEFAULT_WIDTH, DEFAULT_HEIGHT);
    }

    /**
     * For tests: aborts the test (skipped) when the build runs with {@code -Dcnnkit.browser.skip},
     * fails it with how to install Chromium when there is none, else starts one.
     */
    public static Chromium forTest(int width, int height) {
        return forTest(ChromiumProcess::find, width, height);
    }

    /** {@link #forTest(int, int)} with the binary from {@code finder} (a seam for the missing-browser test). */
    static Chromium forTest(Supplier<Optional<Path>> finder, int width, int height) {
        String skip = System.getProperty(SKIP_PROPERTY);
        Assumptions.assumeTrue(skip == null || "false".equalsIgnoreCase(skip),
                "browser tests skipped (-D" + SKIP_PROPERTY + ")");
        Optional<Path> binary = finder.get();
        if (binary.isEmpty()) {
            Assertions.fail("this test needs Chromium and there is none at " + ChromiumProcess.DEFAULT_BINARY
                    + ": " + ChromiumProcess.INSTALL_HINT);
        }
        return start(binary.get(), width, height);
    }

    /**
     * Starts Chromium (CNNKIT_CHROMIUM or /usr/bin/chromium) headless, its page's viewport
     * {@code width} x {@code height} CSS pixels at scale 1.
     */
    public static Chromium start(int width, int height) {
        Path binary = ChromiumProcess.find().orElseThrow(() -> new IllegalStateException(
                "no Chromium at " + ChromiumProcess.DEFAULT_BINARY + ": " + ChromiumProcess.INSTALL_HINT));
        return start(binary, width, height);
    }

    private static Chromium start(Path binary, int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("window size must be positive, got " + width + "x" + height);
        }
        ChromiumProcess process = ChromiumProcess.start(binary, width, height, TIMEOUT);
        CdpConnection cdp = null;
        Chromium browser;
        try {
            cdp = new CdpConnection(process.endpoint(), TIMEOUT, process::logTail);
            String target = pageTarget(cdp);
            ObjectNode attach = CdpConnection.JSON.createObjectNode().put("targetId", target).put("flatten", true);
            String session = cdp.send(null, "Target.attachToTarget", attach, TIMEOUT).path("sessionId").asText();
            browser = new Chromium(process, cdp, session, width, height);
        } catch (RuntimeException e) {
            if (cdp != null) {
                cdp.close();
            }
            process.destroy(Duration.ZERO);
            throw e;
        }
        try {
            browser.listen();
            return browser;
        } catch (RuntimeException e) {
            try {
                browser.close();
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /** The page Chromium opened at start, or a new one. */
    private static String pageTarget(CdpConnection cdp) {
        for (JsonNode info : cdp.send(null, "Target.getTargets", null, TIMEOUT).path("targetInfos")) {
            if ("page".equals(info.path("type").asText())) {
                return info.path("targetId").asText();
            }
        }
        ObjectNode create = CdpConnection.JSON.createObjectNode().put("url", "about:blank");
        return cdp.send(null, "Target.createTarget", create, TIMEOUT).path("targetId").asText();
    }

    private void listen() {
        cdp.addListener(events);
        page("Page.enable", null);
        page("Runtime.enable", null);
        // headless=new draws a browser frame inside --window-size, so the page would get less than
        // asked for; fix the viewport itself to the size (scale 1: screenshots are width x height)
        page("Emulation.setDeviceMetricsOverride", params().put("width", width).put("height", height)
                .put("deviceScaleFactor", 1).put("mobile", false));
    }

    /** Loads {@code url} and waits for its load event; a network error (refused, DNS) throws. */
    public void navigate(String url) {
        CompletableFuture<CdpConnection.Event> load =
                cdp.nextEvent("Page.loadEventFired", event -> session.equals(event.sessionId()));
        JsonNode result = page("Page.navigate", params().put("url", url));
        String error = result.path("errorText").asText("");
        if (!error.isEmpty()) {
            load.cancel(false);
            throw new IllegalStateException("Chromium could not load " + url + ": " + error);
        }
        if (!result.hasNonNull("loaderId")) {
            load.cancel(false); // same-document navigation (#fragment): no load event follows
            return;
        }
        cdp.await(load, TIMEOUT, "the load event of " + url);
    }

    /**
     * Evaluates a JavaScript expression in the page and returns its value as JSON maps, lists,
     * strings, numbers, booleans or null; a promise is awaited. A thrown error throws here, with
     * the expression.
     */
    public Object evaluate(String expression) {
        JsonNode value = evaluateNode(expression);
        try {
            return value == null ? null : CdpConnection.JSON.treeToValue(value, Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot read the value of " + expression + ": " + e.getMessage(), e);
        }
    }

    /** {@link #evaluate(String)} converted to {@code type} (e.g. String, Integer, Boolean, a record). */
    public <T> T evaluate(String expression, Class<T> type) {
        JsonNode value = evaluateNode(expression);
        try {
            return value == null ? null : CdpConnection.JSON.treeToValue(value, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the value of " + expression + " is not a " + type.getSimpleName()
                    + ": " + value, e);
        }
    }

    private JsonNode evaluateNode(String expression) {
        ObjectNode params = params().put("expression", expression).put("returnByValue", true)
                .put("awaitPromise", true).put("userGesture", true);
        JsonNode result = page("Runtime.evaluate", params);
        if (result.has("exceptionDetails")) {
            throw new IllegalStateException("JavaScript failed: "
                    + ConsoleText.ofException(result.get("exceptionDetails")) + "\n  in: " + expression);
        }
        JsonNode remote = result.path("result");
        return remote.has("value") ? remote.get("value") : null;
    }

    /**
     * Polls the JavaScript {@code condition} until it is truthy; fails the test naming the condition
     * (and the last error evaluating it, and the page's errors) when {@code timeout} passes first.
     */
    public void waitFor(String condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastError = null;
        while (true) {
            try {
                if (Boolean.TRUE.equals(evaluate("!!(" + condition + ")"))) {
                    return;
                }
                lastError = null;
            } catch (IllegalStateException e) {
                lastError = e.getMessage(); // e.g. the element is not there yet
            }
            if (System.nanoTime() >= deadline) {
                Assertions.fail("waited " + timeout.toMillis() + " ms for `" + condition + "` on " + url()
                        + "; it stayed false" + (lastError == null ? "" : " (last evaluation: " + lastError + ")")
                        + (events.errors.isEmpty() ? "" : "; page errors: " + events.errors));
            }
            sleep(POLL);
        }
    }

    /** Clicks the middle of the first element matching {@code cssSelector}, scrolled into view. */
    public void click(String cssSelector) {
        String js = "(() => { const e = document.querySelector(" + quote(cssSelector) + ");"
                + " if (!e) return null; e.scrollIntoView({block: 'center', inline: 'center'});"
                + " const r = e.getBoundingClientRect();"
                + " return {x: r.left + r.width / 2, y: r.top + r.height / 2, w: r.width, h: r.height}; })()";
        JsonNode box = evaluateNode(js);
        if (box == null || box.isNull()) {
            Assertions.fail("no element matches the CSS selector `" + cssSelector + "` on " + url());
        }
        if (box.path("w").asDouble() <= 0 || box.path("h").asDouble() <= 0) {
            Assertions.fail("the element `" + cssSelector + "` on " + url() + " has no size (hidden?); cannot click it");
        }
        clickAt(box.path("x").asDouble(), box.path("y").asDouble());
    }

    /** A left click at viewport coordinates (CSS pixels): move, press, release. */
    public void clickAt(double x, double y) {
        for (String type : List.of("mouseMoved", "mousePressed", "mouseReleased")) {
            ObjectNode params = params().put("type", type).put("x", x).put("y", y);
            if (!type.equals("mouseMoved")) {
                params.put("button", "left").put("clickCount", 1);
            }
            page("Input.dispatchMouseEvent", params);
        }
    }

    /** Puts {@code file} into the {@code <input type=file>} matching {@code cssSelector} (fires its change event). */
    public void setFileInput(String cssSelector, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no file " + file.toAbsolutePath() + " to put into `" + cssSelector + "`");
        }
        JsonNode found = page("Runtime.evaluate", params()
                .put("expression", "document.querySelector(" + quote(cssSelector) + ")")).path("result");
        if (!found.has("objectId")) {
            Assertions.fail("no element matches the CSS selector `" + cssSelector + "` on " + url());
        }
        ObjectNode params = params().put("objectId", found.get("objectId").asText());
        params.putArray("files").add(file.toAbsolutePath().toString());
        try {
            page("DOM.setFileInputFiles", params);
        } catch (IllegalStateException e) {
            throw new IllegalStateException("cannot put " + file + " into `" + cssSelector + "`: " + e.getMessage(), e);
        }
    }

    /** Console errors ("console.error: ...") and uncaught exceptions ("uncaught: ...") so far, oldest first. */
    public List<String> errors() {
        return List.copyOf(events.errors);
    }

    /** The dialogs the page opened ("alert: text", "confirm: text", ...), all accepted, oldest first. */
    public List<String> dialogs() {
        return List.copyOf(events.dialogs);
    }

    public void clearErrors() {
        events.errors.clear();
    }

    /** Fails the test listing the page's console errors and uncaught exceptions, if there are any. */
    public void assertNoErrors() {
        List<String> errors = errors();
        if (!errors.isEmpty()) {
            Assertions.fail("the page " + url() + " reported " + errors.size() + " error(s):\n  "
                    + String.join("\n  ", errors));
        }
    }

    /** Writes a PNG of the viewport to {@code png} (folders created) and returns it. */
    public Path screenshot(Path png) {
        JsonNode result = page("Page.captureScreenshot", params().put("format", "png"));
        try {
            Path parent = png.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Files.write(png, Base64.getDecoder().decode(result.path("data").asText()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the screenshot " + png, e);
        }
        return png;
    }

    /** The page's current URL. */
    public String url() {
        try {
            // short timeout: this also feeds failure messages, which must not wait on a hung page
            JsonNode result = cdp.send(session, "Runtime.evaluate",
                    params().put("expression", "location.href").put("returnByValue", true), Duration.ofSeconds(2));
            return result.path("result").path("value").asText();
        } catch (RuntimeException e) {
            return "(the page, whose URL is unreadable: " + e.getMessage() + ")";
        }
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** Whether {@code process} still runs (alive and not a zombie waiting to be reaped). */
    public static boolean running(ProcessHandle process) {
        return ChromiumProcess.running(process);
    }

    /** The temporary folder with the profile and Chromium's log (close removes it). */
    Path tempDir() {
        return process.root();
    }

    /**
     * Chromium's processes (the browser and every helper seen so far), e.g. to check that close
     * ends them all; see {@link #running(ProcessHandle)}.
     */
    public List<ProcessHandle> processes() {
        return process.tree();
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Asks the browser to quit, then kills whatever of its process tree is left and removes the
     * temporary profile; throws if a Chromium process survives.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        process.tree(); // before the main process goes: then its helpers are no longer its descendants
        try {
            cdp.await(cdp.sendAsync(null, "Browser.close", null), Duration.ofSeconds(5), "Browser.close");
        } catch (RuntimeException e) {
            // the connection dropping as the browser quits is the normal end; the kill below covers the rest
        }
        cdp.close();
        List<ProcessHandle> survivors = process.destroy(Duration.ofSeconds(5));
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down
        }
        if (!survivors.isEmpty()) {
            throw new IllegalStateException("Chromium processes still running after close: "
                    + survivors.stream().map(p -> String.valueOf(p.pid())).toList());
        }
    }

    private JsonNode page(String method, ObjectNode params) {
        if (closed) {
            throw new IllegalStateException(method + " on a closed browser");
        }
        process.notice();
        return cdp.send(session, method, params, TIMEOUT);
    }

    private static ObjectNode params() {
        return CdpConnection.JSON.createObjectNode();
    }

    private static String quote(String text) {
        try {
            return CdpConnection.JSON.writeValueAsString(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the page", e);
        }
    }
}
