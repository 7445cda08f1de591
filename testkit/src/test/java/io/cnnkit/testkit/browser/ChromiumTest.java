package io.cnnkit.testkit.browser;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The driver against a real headless Chromium and a real page served by the JDK's HTTP server on
 * 127.0.0.1. One browser for the class (starting one takes a second or two); the last test closes it.
 */
@BrowserTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChromiumTest {
    private static final int WIDTH = 640;
    private static final int HEIGHT = 480;
    private static final int PICTURE_WIDTH = 7;
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static HttpServer server;
    private static String base;
    private static Chromium browser;
    private static final AtomicReference<byte[]> uploaded = new AtomicReference<>();

    @BeforeAll
    static void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> reply(exchange, "text/html", page()));
        server.createContext("/picture.png", exchange -> reply(exchange, "image/png", picture()));
        server.createContext("/upload", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            uploaded.set(body);
            reply(exchange, "text/plain", ("received " + body.length).getBytes(StandardCharsets.UTF_8));
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        browser = Chromium.forTest(WIDTH, HEIGHT);
    }

    /** Each test starts from a fresh copy of the page, so any one of them can run alone. */
    @BeforeEach
    void load() {
        if (!browser.isClosed()) {
            browser.navigate(base + "/");
        }
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    @Order(1)
    void navigatesAndEvaluates() {
        assertEquals("cnnkit browser test", browser.evaluate("document.title"));
        assertEquals(base + "/", browser.url());
        assertEquals(7, browser.evaluate("3 + 4", Integer.class));
        assertEquals("late", browser.evaluate("new Promise(done => setTimeout(() => done('late'), 30))"));
        assertEquals(Map.of("a", 1, "b", List.of("x", true)), browser.evaluate("({a: 1, b: ['x', true]})"));
        assertEquals(null, browser.evaluate("undefined"));
    }

    @Test
    @Order(2)
    void aThrowingExpressionNamesItself() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> browser.evaluate("noSuchThing.field"));
        assertTrue(e.getMessage().contains("ReferenceError") && e.getMessage().contains("noSuchThing.field"),
                e.getMessage());
    }

    @Test
    @Order(3)
    void clickChangesTheDom() {
        browser.click("#button");
        browser.waitFor("document.querySelector('#clicks').textContent === 'clicked 1'", WAIT);
        browser.click("#button");
        browser.waitFor("document.querySelector('#clicks').textContent === 'clicked 2'", WAIT);
    }

    @Test
    @Order(4)
    void clickAtHitsThosePixels() {
        browser.clickAt(25, 35);
        browser.waitFor("document.querySelector('#pad').dataset.hit === '25,35'", WAIT);
    }

    @Test
    @Order(5)
    void clickOnNothingNamesTheSelector() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> browser.click("#missing"));
        assertTrue(e.getMessage().contains("#missing"), e.getMessage());
    }

    @Test
    @Order(6)
    void aFileInputUploadReachesTheServer(@TempDir Path dir) throws IOException {
        byte[] content = "weights\u0000\u0001\u00ff for the upload test".getBytes(StandardCharsets.ISO_8859_1);
        Path file = Files.write(dir.resolve("upload.bin"), content);
        browser.setFileInput("#file", file);
        browser.waitFor("document.querySelector('#uploaded').textContent === 'received " + content.length + "'",
                WAIT);
        assertArrayEquals(content, uploaded.get());
        assertThrows(IllegalArgumentException.class, () -> browser.setFileInput("#file", dir.resolve("none.bin")));
    }

    @Test
    @Order(7)
    void theImageLoads() {
        browser.waitFor("document.querySelector('#picture').complete", WAIT);
        assertEquals(PICTURE_WIDTH, browser.evaluate("document.querySelector('#picture').naturalWidth", Integer.class));
    }

    @Test
    @Order(8)
    void aScreenshotHasTheWindowSize(@TempDir Path dir) throws IOException {
        Path png = browser.screenshot(dir.resolve("shots/page.png"));
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(WIDTH, image.getWidth());
        assertEquals(HEIGHT, image.getHeight());
        // #pad is the red block at the top left of the page
        assertEquals(0xff0000, image.getRGB(10, 10) & 0xffffff);
    }

    @Test
    @Order(9)
    void consoleErrorsAndUncaughtExceptionsAreCollected() throws InterruptedException {
        browser.clearErrors();
        browser.assertNoErrors();
        browser.evaluate("console.error('boom', 42)");
        browser.evaluate("setTimeout(() => { throw new Error('thrown later'); }, 0)");
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (browser.errors().size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(20); // the uncaught exception arrives as an event, after evaluate returned
        }
        List<String> errors = browser.errors();
        assertEquals(2, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("console.error: boom 42"), errors.get(0));
        assertTrue(errors.get(1).startsWith("uncaught: ") && errors.get(1).contains("thrown later"), errors.get(1));
        AssertionFailedError e = assertThrows(AssertionFailedError.class, browser::assertNoErrors);
        assertTrue(e.getMessage().contains("boom 42") && e.getMessage().contains("thrown later"), e.getMessage());
        browser.clearErrors();
    }

    @Test
    @Order(10)
    void dialogsAreAcceptedAndRecorded() {
        assertEquals(true, browser.evaluate("confirm('go on?')"));
        browser.evaluate("alert('careful')");
        assertEquals("dflt", browser.evaluate("prompt('name?', 'dflt')"));
        assertEquals(List.of("confirm: go on?", "alert: careful", "prompt: name?"), browser.dialogs());
    }

    @Test
    @Order(11)
    void waitForNamesTheCondition() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> browser.waitFor("window.neverSet === 1", Duration.ofMillis(200)));
        assertTrue(e.getMessage().contains("window.neverSet === 1"), e.getMessage());
    }

    @Test
    @Order(12)
    void aRefusedConnectionIsAnError() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port + "/";
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> browser.navigate(url));
        assertTrue(e.getMessage().contains(url) && e.getMessage().contains("ERR_CONNECTION_REFUSED"), e.getMessage());
    }

    @Test
    @Order(13)
    void aMissingBinaryTellsHowToInstallChromium() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ChromiumProcess.start(Path.of("/nonexistent/chromium"), WIDTH, HEIGHT, WAIT));
        assertTrue(e.getMessage().contains("apt-get install chromium"), e.getMessage());
    }

    @Test
    @Order(14)
    void noChromiumFailsWithTheInstallCommand() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> Chromium.forTest(Optional::empty, WIDTH, HEIGHT));
        assertTrue(e.getMessage().contains("apt-get install chromium")
                && e.getMessage().contains("-D" + Chromium.SKIP_PROPERTY), e.getMessage());
    }

    @Test
    @Order(15)
    void theSkipPropertyAbortsInsteadOfFailing() {
        System.setProperty(Chromium.SKIP_PROPERTY, "true");
        try {
            assertThrows(org.opentest4j.TestAbortedException.class, Chromium::forTest);
        } finally {
            System.clearProperty(Chromium.SKIP_PROPERTY);
        }
    }

    @Test
    @Order(100)
    void closeLeavesNoChromiumProcessAndNoProfile() {
        List<ProcessHandle> processes = browser.processes();
        Path temp = browser.tempDir();
        assertTrue(processes.size() > 1, "Chromium runs helper processes: " + processes);
        assertTrue(Files.isDirectory(temp));
        browser.close();
        assertEquals(List.of(), processes.stream().filter(Chromium::running).map(ProcessHandle::pid).toList());
        assertFalse(Files.exists(temp), temp + " should be gone");
        assertTrue(browser.isClosed());
        assertThrows(IllegalStateException.class, () -> browser.evaluate("1"));
    }

    private static byte[] page() {
        return """
                <!doctype html>
                <html><head><title>cnnkit browser test</title>
                <style>body { margin: 0; } #pad { position: absolute; left: 0; top: 0; width: 200px;
                  height: 100px; background: rgb(255, 0, 0); } #rest { margin-top: 120px; }</style></head>
                <body>
                <div id="pad"></div>
                <div id="rest">
                  <button id="button">click me</button> <span id="clicks"></span>
                  <input type="file" id="file"> <span id="uploaded"></span>
                  <img id="picture" src="/picture.png" alt="a generated picture">
                </div>
                <script>
                  let clicks = 0;
                  document.querySelector('#button').addEventListener('click', () => {
                    clicks++;
                    document.querySelector('#clicks').textContent = 'clicked ' + clicks;
                  });
                  document.querySelector('#pad').addEventListener('click', e => {
                    e.target.dataset.hit = e.clientX + ',' + e.clientY;
                  });
                  document.querySelector('#file').addEventListener('change', async e => {
                    const answer = await fetch('/upload', {method: 'POST', body: e.target.files[0]});
                    document.querySelector('#uploaded').textContent = await answer.text();
                  });
                </script>
                </body></html>
                """.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] picture() throws IOException {
        BufferedImage image = new BufferedImage(PICTURE_WIDTH, 5, BufferedImage.TYPE_INT_RGB);
        image.setRGB(3, 2, 0x00ff00);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(image, "png", png);
        return png.toByteArray();
    }

    private static void reply(HttpExchange exchange, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(200, body.length);
        try (var out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
