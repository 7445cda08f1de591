package io.cnnkit.launcher.cli;

/** A positional argument: its placeholder (e.g. {@code MODEL}) and one line of help. */
public record Arg(String name, String help) {
}
