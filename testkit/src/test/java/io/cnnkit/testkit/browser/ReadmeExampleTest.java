package io.cnnkit.testkit.browser;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** README's browser-test example (Tests section), as written there, plus a check of its screenshot. */
@BrowserTest
class ReadmeExampleTest {
    @Test
    void loads() throws IOException {
        try (Chromium browser = Chromium.forTest(800, 600)) {
            browser.navigate("data:text/html,<h1 id=t>hello</h1>");
            browser.waitFor("document.querySelector('#t').textContent === 'hello'", Duration.ofSeconds(5));
            browser.screenshot(Path.of("target/screenshots/hello.png"));
            browser.assertNoErrors();
        }
        BufferedImage shot = ImageIO.read(Path.of("target/screenshots/hello.png").toFile());
        assertEquals(800, shot.getWidth());
        assertEquals(600, shot.getHeight());
    }
}
