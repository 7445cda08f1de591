package io.cnnkit.launcher.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cnnkit.engine.api.DidYouMean;
/**
 * A command's definition: how it is invoked ({@code ./cnnkit run} or {@code cnn:run}), its
 * positional arguments, its options, and its help. {@link #parse} reads a command line with
 * it; {@link #help()} prints it. Errors name the command, the option or argument, what was
 * expected, and how to get the help.
 *
 * @param invocation  what the user types before the arguments, e.g. {@code ./cnnkit run}
 * @param args        positional arguments, all required
 * @param options     the options the command takes, in help order
 * @param summary     one line, for command lists
 * @param details     more lines of help (may be empty)
 * @param helpCommand what prints this help, e.g. {@code ./cnnkit run --help}
 */
public record CommandSpec(String invocation, List<Arg> args, List<Opt> options, String summary, String details,
        String helpCommand) {

    public CommandSpec {
        args = List.copyOf(args);
        options = List.copyOf(options);
        for (int i = 0; i < args.size() - 1; i++) {
            if (args.get(i).repeats()) {
                throw new IllegalArgumentException(invocation + ": only the last argument may repeat: " + args.get(i));
            }
        }
        Map<String, Opt> seen = new LinkedHashMap<>();
        for (Opt o : options) {
            if (seen.put(o.name(), o) != null) {
                throw new IllegalArgumentException(invocation + ": option " + o.name() + " defined twice");
            }
        }
    }

    /** {@code ./cnnkit run MODEL IMAGE [--out DIR] [--npy] ...} */
    public String synopsis() {
        StringBuilder b = new StringBuilder(invocation);
        for (Arg a : args) {
            b.append(' ').append(a.name());
        }
        for (Opt o : options) {
            b.append(" [").append(o.usage()).append(']');
        }
        return b.toString();
    }

    /** The whole help: synopsis, summary, arguments, options (aligned), details. */
    public String help() {
        StringBuilder b = new StringBuilder("usage: ").append(invocation);
        for (Arg a : args) {
            b.append(' ').append(a.name());
        }
        if (!options.isEmpty()) {
            b.append(" [options]");
        }
        b.append("\n  ").append(summary).append('\n');
        int w = Options.HELP.usage().length();
        for (Arg a : args) {
            w = Math.max(w, a.name().length());
        }
        for (Opt o : options) {
            w = Math.max(w, o.usage().length());
        }
        if (!args.isEmpty()) {
            b.append("arguments:\n");
            for (Arg a : args) {
                b.append(String.format("  %-" + w + "s  %s%n", a.name(), a.help()));
            }
        }
        b.append("options:\n");
        for (Opt o : options) {
            b.append(String.format("  %-" + w + "s  %s%n", o.usage(), o.help()));
        }
        b.append(String.format("  %-" + w + "s  %s%n", Options.HELP.usage(), Options.HELP.help()));
        if (!details.isEmpty()) {
            b.append(details.stripTrailing()).append('\n');
        }
        return b.toString().stripTrailing();
    }

    /** The option named {@code name}, or null. */
    public Opt option(String name) {
        for (Opt o : options) {
            if (o.name().equals(name)) {
                return o;
            }
        }
        return null;
    }

    /**
     * Reads a command line (the words after the invocation). Options may come anywhere, as
     * {@code --name value} or {@code --name=value}; {@code --} ends the options. With
     * {@code --help} or {@code -h} anywhere the result asks for help and nothing else is checked.
     */
    public Parsed parse(List<String> words) {
        List<String> positional = new ArrayList<>();
        // by option name: an Opt key would link the record's equals and hashCode at their first
        // use (invokedynamic), about 8 ms of a one-shot command
        Map<String, String> values = new LinkedHashMap<>();
        for (String w : words) {
            if (w.equals("--help") || w.equals("-h")) {
                return Parsed.help(this);
            }
        }
        boolean optionsEnded = false;
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (optionsEnded || !w.startsWith("--") || w.equals("--")) {
                if (w.equals("--") && !optionsEnded) {
                    optionsEnded = true;
                } else {
                    positional.add(w);
                }
                continue;
            }
            int eq = w.indexOf('=');
            String name = eq > 0 ? w.substring(0, eq) : w;
            Opt o = option(name);
            if (o == null) {
                throw unknownOption(name);
            }
            String value;
            if (o.isFlag()) {
                if (eq > 0) {
                    throw error(o.name() + " takes no value, got '" + w.substring(eq + 1) + "'",
                            "write " + o.name() + " alone");
                }
                value = "true";
            } else if (eq > 0) {
                value = w.substring(eq + 1);
            } else if (i + 1 < words.size()) {
                value = words.get(++i);
            } else {
                throw error(o.name() + " needs a value (" + o.value() + ")", "e.g. " + o.usage() + "; " + helpCommand
                        + " lists the options");
            }
            if (values.put(o.name(), value) != null) {
                throw error(o.name() + " is given twice", "give it once");
            }
        }
        boolean many = !args.isEmpty() && args.get(args.size() - 1).repeats();
        if (many ? positional.size() < args.size() : positional.size() != args.size()) {
            throw wrongCount(positional);
        }
        return new Parsed(this, positional, values, false);
    }

    private UsageException unknownOption(String name) {
        List<String> names = new ArrayList<>();
        for (Opt o : options) {
            names.add(o.name());
        }
        String near = DidYouMean.closest(name, names);
        String msg = "unknown option " + name + (near != null ? "; did you mean '" + near + "'?" : "");
        return error(msg, options.isEmpty() ? "this command takes no options" : helpCommand + " lists its options");
    }

    private UsageException wrongCount(List<String> positional) {
        StringBuilder expected = new StringBuilder();
        for (Arg a : args) {
            expected.append(expected.length() > 0 ? " " : "").append(a.name());
        }
        String msg;
        if (positional.size() < args.size()) {
            msg = "missing " + args.get(positional.size()).name() + " (" + args.get(positional.size()).help() + ")";
        } else if (args.isEmpty()) {
            msg = "takes no arguments, got '" + positional.get(0) + "'";
        } else {
            msg = "expected " + args.size() + " argument" + (args.size() == 1 ? "" : "s") + " (" + expected
                    + "), got " + positional.size() + ": unexpected '" + positional.get(args.size()) + "'";
        }
        return error(msg, "usage: " + invocation + (expected.length() > 0 ? " " + expected : "")
                + (options.isEmpty() ? "" : " [options]") + "; " + helpCommand + " for more");
    }

    /** An error about this command's use: "INVOCATION: message" and a hint. */
    public UsageException error(String message, String hint) {
        return new UsageException(invocation + ": " + message, hint);
    }
}
