package io.cnnkit.launcher.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cnnkit.engine.api.Engines;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.launcher.cli.CommandSpec;
import io.cnnkit.launcher.cli.Commands;
import io.cnnkit.launcher.cli.Opt;

/**
 * ./cnnkit's command line read in Java ({@link Cli}): help for every command, exit codes,
 * errors naming the command, arguments with any character.
 */
class CliTest {
    @TempDir
    Path dir;
    StandaloneEngine engine;
    ShellCommands shell;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() {
        engine = Engines.standalone();
        engine.register(new ScaleProvider());
        shell = new ShellCommands(engine);
    }

    @AfterEach
    void tearDown() {
        shell.deactivate();
        engine.close();
    }

    int cli(String... words) {
        out.reset();
        err.reset();
        return new Cli(shell, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false).run(List.of(words));
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everyCommandPrintsItsHelp() {
        for (CommandSpec s : Commands.CLI) {
            String[] words = (s.invocation().substring("./cnnkit ".length()) + " --help").split(" ");
            assertEquals(0, cli(words), err());
            assertEquals(s.help(), out().strip());
            for (Opt o : s.options()) {
                assertTrue(out().contains(o.usage()), out());
            }
            assertEquals(0, cli("help", words[0]));
            assertTrue(out().startsWith("usage: ./cnnkit " + words[0]), out());
        }
        assertEquals(0, cli());
        assertTrue(out().contains("run MODEL IMAGE") && out().contains("./cnnkit COMMAND --help"), out());
        assertEquals(0, cli("weights", "--help"));
        assertTrue(out().contains("usage: ./cnnkit weights init") && out().contains("usage: ./cnnkit weights show"));
    }

    @Test
    void usageErrorsExit2AndNameTheCommand() {
        assertEquals(2, cli("rnu", "x"));
        assertEquals("cnnkit: unknown command 'rnu'; did you mean 'run'?\nhint: ./cnnkit help lists the commands",
                err().strip());
        assertEquals(2, cli("run", "m.json", "x.png", "--rescale", "abc"));
        assertEquals("cnnkit: run: --rescale expects a number, got 'abc'\nhint: e.g. --rescale 0.00392156862745098",
                err().strip());
        assertEquals(2, cli("summary"));
        assertTrue(err().startsWith("cnnkit: summary: missing MODEL"), err());
        assertEquals(2, cli("weights", "rename"));
        assertTrue(err().startsWith("cnnkit: weights: expected init or show, got 'rename'"), err());
        assertEquals(2, cli("types", "--verbose"));
        assertTrue(err().startsWith("cnnkit: types: unknown option --verbose"), err());
        assertFalse(err().contains("Cannot coerce") || err().contains("Exception"), err());
    }

    @Test
    void userErrorsExit1() {
        assertEquals(1, cli("summary", dir.resolve("nope.json").toString()));
        assertEquals("cnnkit: summary: no such model file: " + dir.resolve("nope.json"), err().strip().split("\n")[0]);
        assertEquals(1, cli("script", dir.resolve("s.gogo").toString()));
        assertTrue(err().startsWith("cnnkit: script: no such script: "), err());
    }

    @Test
    void quotesAndSpacesInArgumentsArePassedAsTheyAre() throws Exception {
        Path f = dir.resolve("it's a \"model\".json");
        Files.writeString(f, CnnCommandsTest.JSON);
        assertEquals(0, cli("summary", f.toString()), err());
        assertTrue(out().contains("Total params: 2"), out());
        assertEquals(0, cli("summary", "scale(name=it_s)"), err());
        assertTrue(out().contains("it_s"), out());
    }

    @Test
    void theModelIsNamedAfterItsFile() throws Exception {
        assertEquals("my-net_1", Cli.modelName(Files.writeString(dir.resolve("my-net 1.json"), "{}").toString()));
        assertEquals("model", Cli.modelName("conv2d(3, 3)"));
    }
}
