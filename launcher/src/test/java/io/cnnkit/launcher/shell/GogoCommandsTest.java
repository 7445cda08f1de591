package io.cnnkit.launcher.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cnnkit.engine.api.Engines;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.launcher.cli.Errors;

/**
 * The cnn:* commands through a real Gogo command processor (as the shell and ./cnnkit run
 * them): option parsing, printed results, one-line errors and exit codes.
 */
class GogoCommandsTest {
    @TempDir
    Path dir;
    GogoHarness gogo;

    @BeforeEach
    void setUp() {
        StandaloneEngine engine = Engines.standalone();
        engine.register(new ScaleProvider());
        gogo = new GogoHarness(engine);
    }

    @AfterEach
    void tearDown() {
        gogo.close();
    }

    int exec(String program) {
        return gogo.exec(program);
    }

    String out() {
        return gogo.out();
    }

    String err() {
        return gogo.err();
    }

    @Test
    void typesPrintsTheTable() {
        assertEquals(0, exec("cnn:types"));
        assertTrue(out().contains("layer") && out().contains("scale"), out());
    }

    @Test
    void loadWithOptionsThenSummary() throws Exception {
        Path f = dir.resolve("m.json");
        Files.writeString(f, CnnCommandsTest.JSON);
        assertEquals(0, exec("cnn:load --seed 5 m1 '" + f + "' ; cnn:summary m1"), err());
        assertTrue(out().contains("Total params: 2"), out());
        assertEquals(0, exec("cnn:models"));
        assertTrue(out().contains("m1") && out().contains("ready"), out());
        assertEquals(5L, gogo.commands.commands().model("m1").description().seed());
    }

    @Test
    void userErrorIsOneLineAndAHintWithExitCode1() {
        assertEquals(1, exec("cnn:summary nothing"));
        String[] lines = err().strip().split("\n");
        assertEquals(2, lines.length, err());
        assertTrue(lines[0].startsWith("cnnkit: cnn:summary: no model named 'nothing'"), lines[0]);
        assertTrue(lines[1].startsWith("hint: "), lines[1]);
        assertFalse(err().contains("\tat "), "no stack trace");
    }

    @Test
    void unknownCommandAndBadArgumentsAreUserErrors() {
        assertEquals(1, exec("cnn:frobnicate"));
        assertTrue(err().contains("unknown command 'cnn:frobnicate'") && err().contains("'help cnn' lists"), err());
        assertEquals(1, exec("cnn:weights rename a b"));
        assertTrue(err().contains("cnn:weights: unknown action 'rename'"), err());
        assertEquals(1, exec("cnn:weights save onlyone"));
        assertTrue(err().contains("usage: cnn:weights save NAME FILE"), err());
    }

    @Test
    void scriptFileRunsEveryLine() throws Exception {
        Path f = dir.resolve("m.json");
        Files.writeString(f, CnnCommandsTest.JSON);
        Path script = dir.resolve("s.gogo");
        Files.writeString(script, "cnn:load a '" + f + "'\ncnn:load b '" + f + "'\ncnn:models\n");
        assertEquals(0, gogo.script(script), err());
        assertTrue(out().contains("a ") && out().contains("b "), out());
    }

    @Test
    void internalErrorsAreTold() {
        IllegalStateException bug = new IllegalStateException("boom");
        assertFalse(Errors.isUserError(bug));
        assertTrue(Errors.hint(bug, false, false).contains("--debug"));
        assertTrue(Errors.isUserError(new CommandException("x", "y")));
    }

    @Test
    void missingImageIsAUserError() {
        Path img = dir.resolve("img.png");
        int rc = exec("cnn:load m '{\"input_shape\": [2, 2, 3], \"layers\": [{\"type\": \"scale\"}]}' ; "
                + "cnn:run m '" + img + "'");
        assertEquals(1, rc, err());
        assertTrue(err().contains("no such image"), err());
    }

    @Test
    void theConsoleShowsErrorsWithoutGogoSignaturesOrClassNames() {
        // What the console prints for a failed command is the exception's toString().
        assertEquals("cnn:bench: missing MODEL (a loaded model's name, a workload W1..W4, a JSON or full-model .h5 "
                + "file, or a description)\nhint: usage: cnn:bench MODEL [options]; cnn:bench --help for more",
                gogo.console("cnn:bench"));
        assertEquals("cnn:run: --rescale expects a number, got 'abc'\nhint: e.g. --rescale 0.00392156862745098",
                gogo.console("cnn:run --rescale abc m x.png"));
        assertEquals("cnn:run: unknown option --rescal; did you mean '--rescale'?\nhint: cnn:run --help lists its "
                + "options", gogo.console("cnn:run --rescal 2 m x.png"));
        assertEquals("cnn:summary: no model named 'sed' (none loaded)\nhint: load one with cnn:load sed MODEL",
                gogo.console("cnn:summary sed"));
        assertEquals("unknown command 'cnn:lod'; did you mean 'cnn:load'?\nhint: 'help cnn' lists the cnnkit commands, "
                + "'help' every command", gogo.console("cnn:lod m x"));
        assertEquals("exit: the exit code must be a whole number, got 'abc'\nhint: exit, or exit 1",
                gogo.console("exit abc"));
        String unknownLayer = gogo.console("cnn:load m 'conv9d(3)'");
        assertTrue(unknownLayer.startsWith("cnn:load: ") && unknownLayer.contains("\nhint: cnn:types lists"),
                unknownLayer);
        for (String program : new String[] {"cnn:bench", "cnn:run --threads x m i", "cnn:load", "cnn:weights",
            "cnn:weights save", "cnn:filter a", "cnn:demo extra", "cnn:types x", "cnn:unload", "exit 1 2",
            "help a b"}) {
            String shown = gogo.console(program);
            assertFalse(shown.contains("Cannot coerce") || shown.matches("(?s).*\\b[a-z]+\\.[a-z.]+\\.[A-Z]\\w+.*"),
                    program + " -> " + shown);
            assertTrue(shown.contains("\nhint: "), program + " -> " + shown);
        }
    }

    @Test
    void helpListsTheCnnCommandsAndEachCommandsOptions() {
        String list = gogo.console("help cnn");
        for (String c : new String[] {"cnn:types", "cnn:load NAME MODEL", "cnn:run NAME IMAGE", "cnn:weights save",
            "cnn:weights load", "cnn:weights show", "cnn:filter", "cnn:demo", "cnn:bench MODEL", "cnn:models",
            "cnn:unload", "cnn:summary"}) {
            assertTrue(list.contains(c), c + " missing in:\n" + list);
        }
        assertEquals(io.cnnkit.launcher.cli.Commands.RUN_SHELL.help(), gogo.console("help cnn:run"));
        assertEquals(io.cnnkit.launcher.cli.Commands.RUN_SHELL.help(), gogo.console("cnn:run --help"));
        assertEquals(io.cnnkit.launcher.cli.Commands.RUN_SHELL.help(), gogo.console("help run"));
        assertTrue(gogo.console("help cnn:weights").contains("usage: cnn:weights load NAME FILE"));
    }

    @Test
    void loadPrintsOneLineForTheWeightsAndEveryLayerWithVerbose() throws Exception {
        Path f = dir.resolve("m.json");
        Files.writeString(f, CnnCommandsTest.JSON);
        Path w = dir.resolve("w.h5");
        assertEquals(0, exec("cnn:load m '" + f + "' ; cnn:weights save m '" + w + "'"), err());
        assertEquals(0, exec("cnn:load m2 --weights '" + w + "' '" + f + "'"), err());
        // (jhdf's own log lines, which the test class path prints on stdout, start with '[')
        String[] lines = out().strip().lines().filter(l -> !l.startsWith("[")).toArray(String[]::new);
        assertEquals(2, lines.length, out());
        assertTrue(lines[1].matches("weights from .*w\\.h5: 2 layers loaded, 0 absent, 0 skipped"), lines[1]);
        assertEquals(0, exec("cnn:load --verbose m3 --weights '" + w + "' '" + f + "'"), err());
        assertTrue(out().strip().lines().filter(l -> !l.startsWith("[")).count() > 2, out());
    }
}
