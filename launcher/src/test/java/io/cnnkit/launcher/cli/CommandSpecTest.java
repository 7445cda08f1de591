package io.cnnkit.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.cnnkit.engine.api.DidYouMean;
import io.cnnkit.engine.api.Shape;

class CommandSpecTest {
    private static Parsed parse(CommandSpec s, String... words) {
        return s.parse(List.of(words));
    }

    private static UsageException fails(CommandSpec s, String... words) {
        return assertThrows(UsageException.class, () -> parse(s, words));
    }

    @Test
    void optionsMayComeAnywhereInBothForms() {
        Parsed p = parse(Commands.RUN_CLI, "--threads", "2", "m.json", "--rescale=0.5", "img.png", "--npy");
        assertEquals("m.json", p.arg(0));
        assertEquals("img.png", p.arg(1));
        assertEquals(2, p.integer(Options.THREADS, 0, 1));
        assertEquals(0.5, p.number(Options.RESCALE, 1.0, "0.5"));
        assertTrue(p.flag(Options.NPY));
        assertFalse(p.flag(Options.GREY));
        assertEquals(1.0, parse(Commands.RUN_CLI, "a", "b").number(Options.RESCALE, 1.0, "0.5"));
    }

    @Test
    void argumentsKeepEveryCharacter() {
        Parsed p = parse(Commands.SUMMARY_CLI, "it's \"quoted\" | $x.json");
        assertEquals("it's \"quoted\" | $x.json", p.arg(0));
        // after --, a word starting with -- is an argument
        assertEquals("--odd.json", parse(Commands.SUMMARY_CLI, "--", "--odd.json").arg(0));
    }

    @Test
    void unknownOptionSuggestsTheNearest() {
        UsageException e = fails(Commands.RUN_CLI, "m", "i", "--rescal", "2");
        assertEquals("./cnnkit run: unknown option --rescal; did you mean '--rescale'?", e.getMessage());
        assertEquals("./cnnkit run --help lists its options", e.hint());
        e = fails(Commands.RUN_SHELL, "m", "i", "--wieghts", "w.h5");
        assertEquals("cnn:run: unknown option --wieghts", e.getMessage(), "cnn:run has no --weights: nothing near");
        assertEquals("cnn:load: unknown option --wieghts; did you mean '--weights'?",
                fails(Commands.LOAD_SHELL, "m", "x", "--wieghts", "w.h5").getMessage());
        assertTrue(fails(Commands.TYPES_CLI, "--x").hint().contains("takes no options"));
    }

    @Test
    void valuesAreCheckedByName() {
        assertEquals("./cnnkit run: --rescale expects a number, got 'abc'",
                assertThrows(UsageException.class, () -> parse(Commands.RUN_CLI, "m", "i", "--rescale", "abc")
                        .number(Options.RESCALE, 1, "0.00392156862745098")).getMessage());
        assertEquals("./cnnkit bench: --runs must be at least 1, got 0",
                assertThrows(UsageException.class, () -> parse(Commands.BENCH_CLI, "W1", "--runs", "0")
                        .integer(Options.RUNS, 10, 1)).getMessage());
        assertEquals("./cnnkit bench: --batch expects a whole number, got '2.5'",
                assertThrows(UsageException.class, () -> parse(Commands.BENCH_CLI, "W1", "--batch", "2.5")
                        .integer(Options.BATCH, 0, 1)).getMessage());
        assertEquals("./cnnkit bench: --input expects positive sizes joined by x, got '8xbig'",
                assertThrows(UsageException.class, () -> parse(Commands.BENCH_CLI, "W1", "--input", "8xbig")
                        .shape(Options.INPUT)).getMessage());
        assertEquals(Shape.of(8, 8, 3), parse(Commands.BENCH_CLI, "W1", "--input", "8x8x3").shape(Options.INPUT));
        assertNull(parse(Commands.BENCH_CLI, "W1").shape(Options.INPUT));
        assertThrows(UsageException.class, () -> parse(Commands.RUN_CLI, "m", "i", "--rescale", "NaN")
                .number(Options.RESCALE, 1, "0.00392156862745098"));
    }

    @Test
    void missingExtraAndRepeatedWordsAreTold() {
        assertEquals("./cnnkit run: missing IMAGE (an image file (PNG, JPEG, BMP, GIF))",
                fails(Commands.RUN_CLI, "m").getMessage());
        assertTrue(fails(Commands.RUN_CLI, "m").hint().startsWith("usage: ./cnnkit run MODEL IMAGE [options]"));
        assertEquals("./cnnkit summary: expected 1 argument (MODEL), got 2: unexpected 'extra'",
                fails(Commands.SUMMARY_CLI, "m", "extra").getMessage());
        assertEquals("./cnnkit types: takes no arguments, got 'x'", fails(Commands.TYPES_CLI, "x").getMessage());
        assertEquals("./cnnkit run: --out needs a value (DIR)", fails(Commands.RUN_CLI, "m", "i", "--out").getMessage());
        assertEquals("./cnnkit run: --threads is given twice",
                fails(Commands.RUN_CLI, "m", "i", "--threads", "1", "--threads", "2").getMessage());
        assertEquals("./cnnkit run: --npy takes no value, got 'yes'",
                fails(Commands.RUN_CLI, "m", "i", "--npy=yes").getMessage());
        Parsed both = parse(Commands.RUN_CLI, "m", "i", "--weights", "w", "--by-name", "--by-order");
        assertEquals("./cnnkit run: --by-name and --by-order exclude each other",
                assertThrows(UsageException.class, () -> both.exclusive(Options.BY_NAME, Options.BY_ORDER))
                        .getMessage());
    }

    @Test
    void helpWinsOverEverythingElse() {
        assertTrue(parse(Commands.RUN_CLI, "--nonsense", "--help").wantsHelp());
        assertTrue(parse(Commands.TYPES, "-h").wantsHelp());
    }

    @Test
    void everyCommandsHelpNamesEachOptionAndArgument() {
        for (List<CommandSpec> specs : List.of(Commands.CLI, Commands.SHELL)) {
            for (CommandSpec s : specs) {
                String help = s.help();
                assertTrue(help.startsWith("usage: " + s.invocation()), help);
                assertTrue(help.contains(s.summary()), help);
                for (Opt o : s.options()) {
                    assertTrue(help.contains("  " + o.usage() + " ") && help.contains(o.help()), s.invocation()
                            + " help lacks " + o.name() + ":\n" + help);
                }
                for (Arg a : s.args()) {
                    assertTrue(help.contains("  " + a.name() + " ") && help.contains(a.help()), help);
                }
                assertTrue(help.contains("  --help "), help);
            }
        }
    }

    @Test
    void theShellAndTheCommandLineShareTheirOptionDefinitions() {
        for (Opt o : Commands.RUN_SHELL.options()) {
            assertTrue(Commands.RUN_CLI.option(o.name()) == o, o.name());
        }
        assertThrows(IllegalArgumentException.class, () -> new CommandSpec("x", List.of(), List.of(Options.OUT_DIR,
                Options.OUT_FILE), "s", "", "h"), "one name, one option");
    }

    @Test
    void suggestionsAreCloseOnly() {
        assertEquals("--rescale", DidYouMean.closest("--rescal", List.of("--rescale", "--resize")));
        assertEquals("--threads", DidYouMean.closest("--thraeds", List.of("--threads", "--runs")));
        assertEquals("run", DidYouMean.closest("rnu", List.of("run", "summary", "types")));
        assertEquals("summary", DidYouMean.closest("summ", List.of("run", "summary", "types")));
        assertNull(DidYouMean.closest("--colour", List.of("--out", "--npy")));
        assertNull(DidYouMean.closest("x", List.of("run", "bench")));
    }
}
