package io.cnnkit.launcher.shell;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;

import io.cnnkit.engine.api.StandaloneEngine;

/**
 * A real Gogo command processor with the cnn:* commands over a standalone engine, run the way
 * {@code ./cnnkit} runs a program ({@link CliRunner#execute}): exit code, captured output and
 * error text. Closing it closes the engine.
 */
final class GogoHarness implements AutoCloseable {
    static final String[] FUNCTIONS = {"types", "load", "models", "unload", "summary", "run", "classify", "weights", "filter",
        "demo", "bench"};

    final StandaloneEngine engine;
    final ShellCommands commands;
    final ShellSupport support;
    private final ThreadIOImpl tio = new ThreadIOImpl();
    private final CommandProcessorImpl processor;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    GogoHarness(StandaloneEngine engine) {
        this.engine = engine;
        tio.start();
        processor = new CommandProcessorImpl(tio);
        commands = new ShellCommands(engine);
        for (String f : FUNCTIONS) {
            processor.addCommand("cnn", commands, f);
        }
        support = new ShellSupport(commands);
        for (String f : new String[] {"help", "exit", "names", "default"}) {
            processor.addCommand("cnnkit", support, f);
        }
    }

    /**
     * Runs a program in a new session as the console does and returns what the console would
     * print for it: the result, or the exception's {@code toString()} (its error line).
     */
    String console(String program) {
        try (var session = processor.createSession(System.in, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))) {
            // as launcher/gosh/etc/gosh_profile: cnnkit's help and exit before Gogo's
            session.execute("help = { cnnkit:help $args } ; exit = { cnnkit:exit $args }");
            Object r = session.execute(program);
            return r == null ? "" : String.valueOf(session.format(r, org.apache.felix.service.command.Converter.INSPECT));
        } catch (Exception e) {
            return e.toString();
        }
    }

    /** Runs a Gogo program; returns the exit code. */
    int exec(String program) {
        return execute(program, null);
    }

    /** Runs a Gogo script file; returns the exit code. */
    int script(Path file) {
        return execute(null, file.toString());
    }

    private int execute(String program, String script) {
        out.reset();
        err.reset();
        return CliRunner.execute(processor, program, script, false, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        commands.deactivate();
        processor.stop();
        tio.stop();
        engine.close();
    }
}
