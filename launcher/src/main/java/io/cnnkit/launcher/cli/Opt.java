package io.cnnkit.launcher.cli;

/**
 * One command-line option, defined once (in {@link Options}) and used for parsing, help and
 * completion by both {@code ./cnnkit} and the {@code cnn:*} shell commands.
 *
 * @param name  as written, e.g. {@code --top}
 * @param value the value's placeholder in help, e.g. {@code K}; null for a flag
 * @param help  one line
 */
public record Opt(String name, String value, String help) {
    public Opt {
        if (!name.startsWith("--")) {
            throw new IllegalArgumentException("an option starts with --: " + name);
        }
    }

    public boolean isFlag() {
        return value == null;
    }

    /** {@code --top K} or {@code --npy}. */
    public String usage() {
        return isFlag() ? name : name + " " + value;
    }
}
