package io.cnnkit.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.cnnkit.launcher.shell.CommandException;

/** How a shell command's failure is shown, and that a bug stays a bug (exit code 2) behind it. */
class ErrorsTest {
    @Test
    void aUserErrorNamesTheCommandAndKeepsItsHint() {
        RuntimeException shown = Errors.inShell(Commands.RUN_SHELL, new CommandException("no such image: x.png", "check"));
        assertTrue(shown instanceof CommandException);
        assertEquals("cnn:run: no such image: x.png\nhint: check", shown.toString());
        assertTrue(Errors.isUserError(Errors.unwrap(shown)));
    }

    @Test
    void aBugStaysInternalWithItsCause() {
        IllegalStateException bug = new IllegalStateException("boom");
        RuntimeException shown = Errors.inShell(Commands.RUN_SHELL, bug);
        assertEquals("cnn:run: internal error: java.lang.IllegalStateException: boom\n"
                + "hint: type 'e' for the stack trace", shown.toString());
        assertSame(bug, Errors.unwrap(shown), "scripts see the bug itself");
        assertFalse(Errors.isUserError(Errors.unwrap(shown)));
    }
}
