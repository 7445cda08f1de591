package io.cnnkit.launcher.cli;

import io.cnnkit.launcher.shell.CommandException;

/**
 * The command line itself is wrong (unknown command or option, a missing or extra argument, a
 * value that is not what the option takes): ./cnnkit exits with 2, as getopt-style tools do,
 * where a problem with what the arguments name (a missing file, a bad model) exits with 1.
 */
public class UsageException extends CommandException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message, String hint) {
        super(message, hint);
    }
}
