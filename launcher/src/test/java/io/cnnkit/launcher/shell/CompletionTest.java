package io.cnnkit.launcher.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.jline.builtins.Completers.CompletionData;
import org.junit.jupiter.api.Test;

import io.cnnkit.launcher.cli.CommandSpec;
import io.cnnkit.launcher.cli.Commands;
import io.cnnkit.launcher.cli.Opt;

/** Tab completion is made from the command definitions: every option of every cnn: command, with its help. */
class CompletionTest {
    @Test
    void everyOptionOfEveryCommandCompletesWithItsHelp() {
        Map<String, List<CompletionData>> all = Completion.forCommands();
        for (CommandSpec s : Commands.SHELL) {
            String command = s.invocation().split(" ")[0];
            List<CompletionData> entries = all.get(command);
            assertNotNull(entries, command);
            for (Opt o : s.options()) {
                CompletionData d = entries.stream().filter(e -> e.options != null && e.options.contains(o.name()))
                        .findFirst().orElseThrow(() -> new AssertionError(command + " lacks " + o.name()));
                assertEquals(o.help(), d.description);
                assertEquals("__option_not_present " + o.name(), d.condition, "offered once per line");
                assertEquals(o.isFlag(), d.argument == null, o.name() + ": a value option completes its value");
            }
            assertTrue(entries.stream().anyMatch(e -> e.options != null && e.options.contains("--help")), command);
        }
        assertEquals(Commands.SHELL.stream().map(s -> s.invocation().split(" ")[0]).distinct().count(), all.size());
    }

    @Test
    void argumentsCompleteModelNamesFilesAndKernels() {
        assertEquals("cnnkit:names", Completion.arguments("cnn:summary", Commands.SUMMARY));
        String run = Completion.arguments("cnn:run", Commands.RUN_SHELL);
        assertTrue(run.contains("%(wi==1) } { cnnkit:names } { __files }"), run);
        String filter = Completion.arguments("cnn:filter", Commands.FILTER);
        assertTrue(filter.contains("{ __files } { [") && filter.contains("sharpen5") && filter.contains("sobel_x"), filter);
        assertTrue(Completion.arguments("cnn:weights", Commands.WEIGHTS_SAVE).contains("[save load show]"));
        assertEquals("[ ]", Completion.arguments("cnn:types", Commands.TYPES));
    }
}
