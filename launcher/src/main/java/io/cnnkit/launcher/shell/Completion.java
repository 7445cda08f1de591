package io.cnnkit.launcher.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.felix.gogo.jline.Shell;
import org.apache.felix.service.command.CommandSession;
import org.jline.builtins.Completers.CompletionData;

import io.cnnkit.engine.api.Initializers;
import io.cnnkit.launcher.cli.Arg;
import io.cnnkit.launcher.cli.CommandSpec;
import io.cnnkit.launcher.cli.Commands;
import io.cnnkit.launcher.cli.Opt;

/**
 * Tab completion for the cnn: commands in the jline console, made from their definitions:
 * options with their help, loaded model names where a NAME goes, files where a file goes,
 * kernel names for cnn:filter. Only the interactive console loads this class (it needs the
 * console's jline and Gogo jline packages).
 */
final class Completion {
    private Completion() {
    }

    static void register(CommandSession session) {
        Map<String, List<CompletionData>> completions = Shell.getCompletions(session);
        for (Map.Entry<String, List<CompletionData>> e : forCommands().entrySet()) {
            completions.put(e.getKey(), e.getValue());
        }
    }

    /** Command name (cnn:run) to its completion entries. */
    static Map<String, List<CompletionData>> forCommands() {
        Map<String, List<CompletionData>> all = new java.util.LinkedHashMap<>();
        for (CommandSpec s : Commands.SHELL) {
            String[] words = s.invocation().split(" ");
            String command = words[0];
            List<CompletionData> list = all.get(command);
            if (list == null) {
                list = new ArrayList<>();
                all.put(command, list);
                list.add(new CompletionData(null, words.length > 1 ? "weights: save, load or show" : s.summary(), null,
                        null));
                list.add(new CompletionData(null, null, arguments(command, s), null));
            }
            for (Opt o : s.options()) {
                if (list.stream().noneMatch(d -> d.options != null && d.options.contains(o.name()))) {
                    list.add(new CompletionData(List.of(o.name()), o.help(), o.isFlag() ? null : valueCandidates(o),
                            "__option_not_present " + o.name()));
                }
            }
            list.add(new CompletionData(List.of("--help"), "print the command's help", null, null));
        }
        return all;
    }

    /** A Gogo expression giving the candidates for the command's positional arguments. */
    static String arguments(String command, CommandSpec s) {
        if (command.equals("cnn:weights")) {
            return "wi = ($.commandLine wordIndex); if { %(wi==1) } { [save load show] } "
                    + "{ if { %(wi==2) } { cnnkit:names } { __files } }";
        }
        List<Arg> args = s.args();
        if (args.isEmpty()) {
            return "[ ]";
        }
        String first = candidates(args.get(0));
        if (args.size() == 1) {
            return first;
        }
        return "wi = ($.commandLine wordIndex); if { %(wi==1) } { " + first + " } { " + candidates(args.get(1)) + " }";
    }

    private static String candidates(Arg a) {
        return switch (a.name()) {
            case "NAME" -> "cnnkit:names";
            case "KERNEL" -> "[" + String.join(" ", Initializers.kernelNames()) + "]";
            default -> "__files";
        };
    }

    private static String valueCandidates(Opt o) {
        return switch (o.value()) {
            case "FILE", "DIR" -> "__files";
            default -> "[ ]";
        };
    }
}
