package io.cnnkit.launcher.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
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
    StandaloneEngine engine;
    ThreadIOImpl tio;
    CommandProcessorImpl processor;
    ShellCommands commands;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() {
        engine = Engines.standalone();
        engine.register(new ScaleProvider());
        tio = new ThreadIOImpl();
        tio.start();
        processor = new CommandProcessorImpl(tio);
        commands = new ShellCommands(engine);
        for (String f : new String[] {"types", "load", "models", "unload", "summary", "run", "weights", "filter",
                "demo"}) {
            processor.addCommand("cnn", commands, f);
        }
    }

    @AfterEach
    void tearDown() {
        commands.deactivate();
        processor.stop();
        tio.stop();
        engine.close();
    }

    int exec(String program) {
        out.reset();
        err.reset();
        return CliRunner.execute(processor, program, null, false, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
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
        assertEquals(5L, commands.commands().model("m1").description().seed());
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
        out.reset();
        int rc = CliRunner.execute(processor, null, script.toString(), false, new PrintStream(out, true,
                StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, rc, err());
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
