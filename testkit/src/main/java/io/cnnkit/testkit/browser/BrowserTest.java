package io.cnnkit.testkit.browser;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test class (or method) that drives Chromium: tagged {@code browser} and disabled, with
 * its tests counted as skipped, when the build runs with {@code -Dcnnkit.browser.skip}
 * ({@code =false} keeps them). {@link Chromium#forTest()} checks the same property for classes
 * without this annotation.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("browser")
@DisabledIfSystemProperty(named = Chromium.SKIP_PROPERTY, matches = "(?i)(?!false$).*",
        disabledReason = "browser tests skipped (-D" + Chromium.SKIP_PROPERTY + ")")
public @interface BrowserTest {
}
