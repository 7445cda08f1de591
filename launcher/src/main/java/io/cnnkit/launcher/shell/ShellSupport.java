package io.cnnkit.launcher.shell;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;

import io.cnnkit.engine.api.DidYouMean;
import io.cnnkit.launcher.cli.CommandSpec;
import io.cnnkit.launcher.cli.Commands;

/**
 * The interactive shell's own commands (launcher/gosh/etc/gosh_profile makes {@code help} and
 * {@code exit} call these before Gogo's): {@code help cnn} lists the cnnkit commands and
 * {@code help cnn:run} shows their options (Gogo's help lists method signatures), a bare
 * {@code exit} quits (the stock one needs a code), {@code setup} registers Tab completion, and
 * {@code default} (which Gogo calls for a command it does not know) says so with a did-you-mean.
 */
@Component(service = ShellSupport.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@GogoCommand(scope = "cnnkit", function = {"help", "exit", "setup", "names", "default"})
public final class ShellSupport {
    private final ShellCommands commands;

    @Activate
    public ShellSupport(@Reference ShellCommands commands) {
        this.commands = commands;
    }

    @Descriptor("list the commands; 'help cnn' lists the cnnkit commands, 'help COMMAND' shows one command's help")
    public Object help(CommandSession session, @Descriptor("cnn, or a command name") String... args)
            throws Exception {
        if (args == null || args.length == 0) {
            session.execute("gogo:help");
            return "\n'help cnn' lists the cnnkit commands with a line each; 'help COMMAND' shows a command's help";
        }
        if (args.length > 1) {
            throw new CommandException("help: expected one command name, got " + args.length + " words",
                    "e.g. help cnn, help cnn:run");
        }
        String name = args[0];
        if (name.equals("cnn") || name.equals("cnn:")) {
            return cnnCommands();
        }
        String bare = name.startsWith("cnn:") ? name.substring(4) : name;
        String text = specHelp(bare);
        if (text != null) {
            return text;
        }
        if (name.startsWith("cnn:")) {
            throw new CommandException("help: no cnnkit command '" + name + "'", "'help cnn' lists them");
        }
        session.put("cnnkit.help.name", name);
        session.execute("gogo:help $cnnkit.help.name");
        return null;
    }

    /** "cnn:NAME  summary" per command (cnn:weights once per action). */
    static String cnnCommands() {
        Map<String, String> lines = new LinkedHashMap<>();
        for (CommandSpec s : Commands.SHELL) {
            lines.put(usage(s), s.summary());
        }
        int w = 0;
        for (String u : lines.keySet()) {
            w = Math.max(w, u.length());
        }
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, String> e : lines.entrySet()) {
            b.append(String.format("%-" + w + "s  %s%n", e.getKey(), e.getValue()));
        }
        return b.append("'help cnn:run' (or 'cnn:run --help') shows a command's options").toString();
    }

    private static String usage(CommandSpec s) {
        StringBuilder b = new StringBuilder(s.invocation());
        for (var a : s.args()) {
            b.append(' ').append(a.name());
        }
        return b.toString();
    }

    /** The help of cnn:NAME (all three actions for weights), or null. */
    static String specHelp(String name) {
        List<String> texts = new ArrayList<>();
        for (CommandSpec s : Commands.SHELL) {
            if (s.invocation().split(" ")[0].equals("cnn:" + name)) {
                texts.add(s.help());
            }
        }
        return texts.isEmpty() ? null : String.join("\n\n", texts);
    }

    /**
     * Gogo runs the function named {@code default} when no command has the name typed, with that
     * name first: the error says so without Gogo's class name, and suggests the nearest command.
     */
    @Descriptor("report an unknown command (Gogo calls this for any command it cannot find)")
    public Object _default(CommandSession session, @Descriptor("the command typed and its arguments") Object... args) {
        String typed = args == null || args.length == 0 ? "" : String.valueOf(args[0]);
        List<String> names = new ArrayList<>();
        if (session.get(".commands") instanceof java.util.Collection<?> all) {
            for (Object c : all) {
                String full = String.valueOf(c);
                names.add(full);
                names.add(full.substring(full.indexOf(':') + 1));
            }
        }
        String near = DidYouMean.closest(typed, names);
        throw new CommandException("unknown command '" + typed + "'" + (near != null ? "; did you mean '" + near + "'?"
                : ""), "'help cnn' lists the cnnkit commands, 'help' every command");
    }

    @Descriptor("quit the shell (and the runtime)")
    public void exit(@Descriptor("exit code (default 0)") String... args) {
        int code = 0;
        if (args != null && args.length > 1) {
            throw new CommandException("exit: expected at most one exit code, got " + args.length + " words",
                    "exit, or exit 1");
        }
        if (args != null && args.length == 1) {
            try {
                code = Integer.parseInt(args[0].strip());
            } catch (NumberFormatException e) {
                throw new CommandException("exit: the exit code must be a whole number, got '" + args[0] + "'",
                        "exit, or exit 1");
            }
        }
        System.exit(code);
    }

    @Descriptor("register Tab completion of the cnn: commands (the shell profile calls it)")
    public void setup(CommandSession session) {
        Completion.register(session);
    }

    @Descriptor("the loaded models' names (for Tab completion)")
    public List<String> names() {
        return commands.commands().models().names();
    }
}
