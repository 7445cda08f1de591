package io.cnnkit.launcher.cli;

/**
 * A positional argument: its placeholder (e.g. {@code MODEL}) and one line of help. A name
 * ending in "..." (e.g. {@code INPUT...}) takes one or more words; only the last argument may.
 */
public record Arg(String name, String help) {
    /** Whether this argument takes one or more words (its name ends in "..."). */
    public boolean repeats() {
        return name.endsWith("...");
    }
}
