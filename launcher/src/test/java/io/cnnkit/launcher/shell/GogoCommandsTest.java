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
        assertTrue(lines[0].startsWith("cnnkit: no model named 'nothing'"), lines[0]);
        assertTrue(lines[1].startsWith("hint: "), lines[1]);
        assertFalse(err().contains("\tat "), "no stack trace");
    }

    @Test
    void unknownCommandAndBadArgumentsAreUserErrors() {
        assertEquals(1, exec("cnn:frobnicate"));
        assertTrue(err().contains("./cnnkit help"), err());
        assertEquals(1, exec("cnn:weights rename a b"));
        assertTrue(err().contains("unknown weights action"), err());
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
        assertFalse(CliRunner.isUserError(bug));
        assertTrue(CliRunner.hint(bug, false).contains("--debug"));
        assertTrue(CliRunner.isUserError(new CommandException("x", "y")));
    }

    @Test
    void missingImageIsAUserError() {
        Path img = dir.resolve("img.png");
        int rc = exec("cnn:load m '{\"input_shape\": [2, 2, 3], \"layers\": [{\"type\": \"scale\"}]}' ; "
                + "cnn:run m '" + img + "'");
        assertEquals(1, rc, err());
        assertTrue(err().contains("no such image"), err());
    }
}
