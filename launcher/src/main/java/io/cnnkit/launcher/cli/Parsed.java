package io.cnnkit.launcher.cli;

import java.util.List;
import java.util.Map;

import io.cnnkit.engine.api.Shape;

/**
 * A command line read by {@link CommandSpec#parse}: the positional arguments and the options
 * given. The typed getters check the value and say what was expected, naming the option.
 */
public final class Parsed {
    private final CommandSpec spec;
    private final List<String> args;
    private final Map<String, String> values; // by option name
    private final boolean help;

    Parsed(CommandSpec spec, List<String> args, Map<String, String> values, boolean help) {
        this.spec = spec;
        this.args = List.copyOf(args);
        this.values = Map.copyOf(values);
        this.help = help;
    }

    static Parsed help(CommandSpec spec) {
        return new Parsed(spec, List.of(), Map.of(), true);
    }

    /** --help was given: print {@link CommandSpec#help()} and do nothing else. */
    public boolean wantsHelp() {
        return help;
    }

    public CommandSpec spec() {
        return spec;
    }

    /** The i-th positional argument. */
    public String arg(int i) {
        return args.get(i);
    }

    /** The positional arguments from the i-th on (a repeated last argument's words). */
    public List<String> argsFrom(int i) {
        return args.subList(i, args.size());
    }

    /** Whether the option was given (false for options the command does not define). */
    public boolean has(Opt o) {
        return values.containsKey(o.name());
    }

    /** A flag's presence. */
    public boolean flag(Opt o) {
        return has(o);
    }

    /** A text option's value, or {@code fallback} (also when the command does not define it). */
    public String text(Opt o, String fallback) {
        String v = values.get(o.name());
        if (v != null && v.isBlank()) {
            throw spec.error(o.name() + " needs a non-empty " + o.value(), "e.g. " + o.usage());
        }
        return v == null ? fallback : v;
    }

    /** A path option's value (resolved by the caller), or null. */
    public String path(Opt o) {
        return text(o, null);
    }

    /** A whole number at least {@code min}, or {@code fallback} when absent. */
    public int integer(Opt o, int fallback, int min) {
        long v = whole(o, fallback, min);
        if (v > Integer.MAX_VALUE) {
            throw spec.error(o.name() + " is too large: " + values.get(o.name()), "give a number up to " + Integer.MAX_VALUE);
        }
        return (int) v;
    }

    /** A whole number at least {@code min} (64-bit), or {@code fallback} when absent. */
    public long whole(Opt o, long fallback, long min) {
        String s = text(o, null);
        if (s == null) {
            return fallback;
        }
        long v;
        try {
            v = Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            throw spec.error(o.name() + " expects a whole number, got '" + s + "'", "e.g. " + o.name() + " "
                    + Math.max(min, 1));
        }
        if (v < min) {
            throw spec.error(o.name() + " must be at least " + min + ", got " + v, "e.g. " + o.name() + " "
                    + Math.max(min, 1));
        }
        return v;
    }

    /** A finite decimal number, or {@code fallback} when absent; an error shows {@code example}. */
    public double number(Opt o, double fallback, String example) {
        String s = text(o, null);
        if (s == null) {
            return fallback;
        }
        try {
            double v = Double.parseDouble(s.strip());
            if (Double.isFinite(v) && !s.strip().endsWith("d") && !s.strip().endsWith("f")) {
                return v;
            }
        } catch (NumberFormatException e) {
            // told below
        }
        throw spec.error(o.name() + " expects a number, got '" + s + "'", "e.g. " + o.name() + " " + example);
    }

    /** A shape written HxWxC (positive sizes joined by x), or null when absent. */
    public Shape shape(Opt o) {
        String s = text(o, null);
        if (s == null) {
            return null;
        }
        String[] parts = s.strip().split("x", -1);
        int[] dims = new int[parts.length];
        try {
            for (int k = 0; k < parts.length; k++) {
                dims[k] = Integer.parseInt(parts[k]);
                if (dims[k] < 1) {
                    throw new NumberFormatException();
                }
            }
        } catch (NumberFormatException e) {
            throw spec.error(o.name() + " expects positive sizes joined by x, got '" + s + "'", "e.g. " + o.name()
                    + " 224x224x3");
        }
        return Shape.of(dims);
    }

    /** Fails when both of two options that exclude each other are given. */
    public void exclusive(Opt a, Opt b) {
        if (has(a) && has(b)) {
            throw spec.error(a.name() + " and " + b.name() + " exclude each other", "give one of them");
        }
    }
}
