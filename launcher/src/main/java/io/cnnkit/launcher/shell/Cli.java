package io.cnnkit.launcher.shell;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

import javax.imageio.ImageIO;

import io.cnnkit.launcher.cli.CommandSpec;
import io.cnnkit.launcher.cli.Commands;
import io.cnnkit.launcher.cli.Errors;
import io.cnnkit.launcher.cli.Options;
import io.cnnkit.launcher.cli.Parsed;
import io.cnnkit.engine.api.DidYouMean;
import io.cnnkit.launcher.cli.UsageException;

/**
 * {@code ./cnnkit COMMAND ...}: reads the command line with the {@link Commands} definitions
 * and runs it with the same {@link CnnCommands} the shell uses, printing the result. The
 * ./cnnkit script only finds Java, builds when needed and passes the words on unchanged
 * (any character, quotes included).
 */
public final class Cli {
    private final Supplier<Results.Types> types;
    private final CnnCommands commands;
    private final ClassifyRunner spark;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean debug;
    // (classes, not lambdas, on a one-shot command's path: a bundle's lambdas are spun at their
    // first use, which the class-data archive cannot hold; a class comes from it)
    private final Function<String, Path> resolve = new Function<>() {
        @Override
        public Path apply(String s) {
            return Path.of(s);
        }
    };

    Cli(ShellCommands shell, PrintStream out, PrintStream err, boolean debug) {
        this(shell.commands(), new Supplier<>() {
            @Override
            public Results.Types get() {
                return shell.typesWithBackends();
            }
        }, null, out, err, debug);
    }

    private Cli(CnnCommands commands, Supplier<Results.Types> types, ClassifyRunner spark, PrintStream out,
            PrintStream err, boolean debug) {
        this.commands = commands;
        this.types = types;
        this.spark = spark;
        this.out = out;
        this.err = err;
        this.debug = debug;
    }

    /**
     * The command line outside the OSGi runtime, on the plain class path (the Spark runner of
     * {@code ./cnnkit classify --spark}): the engine finds its layers through ServiceLoader, and
     * {@code classify --spark MASTER} computes its rows with {@code spark}.
     */
    public static Cli plain(CnnCommands commands, ClassifyRunner spark, PrintStream out, PrintStream err,
            boolean debug) {
        return new Cli(commands, commands::types, spark, out, err, debug);
    }

    /**
     * Runs one command line; returns the exit code (0 done, 1 user error, 2 usage or internal
     * error, 3 classify wrote rows with an error).
     */
    public int run(List<String> words) {
        CommandSpec spec = null;
        try {
            if (words.isEmpty() || List.of("help", "--help", "-h").contains(words.get(0))) {
                out.println(words.size() > 1 ? help(words.subList(1, words.size())) : generalHelp());
                return 0;
            }
            if (words.size() == 2 && words.get(0).equals("weights") && List.of("--help", "-h").contains(words.get(1))) {
                out.println(help(words));
                return 0;
            }
            spec = specFor(words);
            int skip = spec.invocation().split(" ").length - 1; // "./cnnkit weights init": two words
            Parsed p = spec.parse(words.subList(skip, words.size()));
            if (p.wantsHelp()) {
                out.println(spec.help());
                return 0;
            }
            Object result = execute(spec, p);
            if (result != null) {
                out.println(result.toString().stripTrailing());
            }
            return result instanceof Results.Classified c ? c.exitCode() : 0;
        } catch (RuntimeException e) {
            return fail(spec, e);
        }
    }

    /**
     * Starts ImageIO (its plug-in registry and AWT's application context, about 12 ms in a fresh
     * JVM) on another core while the model loads, for a command that decodes images after that.
     */
    private static void startImageIo() {
        Thread t = new Thread("cnnkit-imageio-start") {
            @Override
            public void run() {
                ImageIO.getImageReadersBySuffix("png").hasNext();
            }
        };
        t.setDaemon(true);
        t.start();
    }

    private Object execute(CommandSpec spec, Parsed p) {
        if (spec == Commands.RUN_CLI) {
            RunCommand.RunParams run = Params.run(p, resolve); // every option checked before any work
            startImageIo();
            String name = modelName(p.arg(0));
            Params.load(commands, p, name, p.arg(0), resolve);
            return commands.run(name, resolve.apply(p.arg(1)), run);
        } else if (spec == Commands.CLASSIFY_CLI) {
            ClassifyParams params = Params.classify(p, resolve);
            if (params.spark() != null && spark == null) {
                throw new CommandException("--spark: the Spark job runs outside the OSGi runtime, started by ./cnnkit",
                        "run ./cnnkit classify ... --spark MASTER (the spark module's build must be there: mvn package)");
            }
            startImageIo();
            String name = modelName(p.arg(0));
            Params.load(commands, p, name, p.arg(0), resolve);
            // ./cnnkit says whether stderr is a terminal (Java sees its stderr through a pipe)
            boolean terminal = Boolean.getBoolean("cnnkit.cli.tty") || System.console() != null;
            String weights = p.path(Options.WEIGHTS);
            ClassifyRunner.ModelRequest source = new ClassifyRunner.ModelRequest(name, p.arg(0),
                    weights == null ? null : resolve.apply(weights), Params.loadOptions(p));
            return commands.classify(name, params, err, terminal, params.spark() == null ? null : spark, source);
        } else if (spec == Commands.SUMMARY_CLI) {
            String name = modelName(p.arg(0));
            Params.load(commands, p, name, p.arg(0), resolve);
            return commands.summary(name);
        } else if (spec == Commands.TYPES_CLI) {
            return types.get();
        } else if (spec == Commands.FILTER_CLI) {
            return commands.filter(resolve.apply(p.arg(0)), p.arg(1), Params.filter(p, resolve));
        } else if (spec == Commands.WEIGHTS_INIT) {
            String name = modelName(p.arg(0));
            Params.load(commands, p, name, p.arg(0), resolve);
            return commands.weightsSave(name, resolve.apply(p.arg(1)));
        } else if (spec == Commands.WEIGHTS_SHOW_CLI) {
            return commands.weightsShow(resolve.apply(p.arg(0)));
        } else if (spec == Commands.BENCH_CLI) {
            return commands.bench(p.arg(0), Params.bench(p));
        } else if (spec == Commands.SERVE_CLI) {
            String url = Serve.start(Serve.Params.of(p, resolve));
            out.println("cnnkit explorer: " + url + "  (Ctrl-C stops it)");
            out.flush();
            try {
                Thread.currentThread().join(); // serves until Ctrl-C ends the JVM
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        } else if (spec == Commands.DEMO) {
            String image = p.path(Options.IMAGE);
            String dir = p.path(Options.DEMO_OUT);
            return commands.demo(image == null ? null : resolve.apply(image), dir == null ? null : resolve.apply(dir));
        }
        if (spec == Commands.SCRIPT_CLI) { // ./cnnkit runs an existing script file itself
            FileArgs.requireFile(resolve.apply(p.arg(0)), "script");
        }
        // ./cnnkit starts the shell and scripts itself: here only when that did not apply
        throw spec.error("cannot run here", "usage: " + spec.synopsis());
    }

    /** The definition of the command the words start with; an unknown one gets a did-you-mean. */
    private static CommandSpec specFor(List<String> words) {
        String first = words.get(0);
        List<String> names = new ArrayList<>();
        for (CommandSpec s : Commands.CLI) {
            String[] parts = s.invocation().split(" ");
            names.add(parts[1]);
            if (parts[1].equals(first) && parts.length == 2) {
                return s;
            }
        }
        if (first.equals("weights")) {
            String sub = words.size() > 1 ? words.get(1) : "";
            CommandSpec s = Commands.find(Commands.CLI, "./cnnkit weights " + sub);
            if (s != null) {
                return s;
            }
            throw new UsageException("weights: expected init or show" + (sub.isEmpty() ? "" : ", got '" + sub + "'"),
                    "./cnnkit weights init MODEL FILE or ./cnnkit weights show FILE (--help after either for more)");
        }
        String near = DidYouMean.closest(first, names.stream().distinct().toList());
        throw new UsageException("unknown command '" + first + "'" + (near != null ? "; did you mean '" + near + "'?"
                : ""), "./cnnkit help lists the commands");
    }

    /** A command's help; "weights" alone: both of its subcommands'. */
    static String help(List<String> words) {
        if (words.size() == 1 && words.get(0).equals("weights") || words.size() == 2 && words.get(0).equals("weights")
                && words.get(1).startsWith("-")) {
            return Commands.WEIGHTS_INIT.help() + "\n\n" + Commands.WEIGHTS_SHOW_CLI.help();
        }
        return specFor(words).help();
    }

    /** The list of commands, one line each. */
    static String generalHelp() {
        StringBuilder b = new StringBuilder("usage: ./cnnkit COMMAND [ARGS] [options] [--debug]\n\n");
        int w = 0;
        for (CommandSpec s : Commands.CLI) {
            w = Math.max(w, shortUsage(s).length());
        }
        for (CommandSpec s : Commands.CLI) {
            b.append(String.format("  %-" + w + "s  %s%n", shortUsage(s), s.summary()));
        }
        b.append(String.format("  %-" + w + "s  %s%n", "help [COMMAND]", "this text, or a command's help"));
        b.append("\n./cnnkit COMMAND --help shows a command's options. The first run builds the runtime with Maven\n"
                + "(JDK 17+); later runs rebuild when sources change. --debug prints stack traces of errors and\n"
                + "where a command's time went; CNNKIT_JAVA_OPTS adds JVM options (e.g. -Xmx512m). run, demo and\n"
                + "filter use the scalar kernels (one pass: faster than compiling the Vector API's);\n"
                + "CNNKIT_KERNELS=vector or scalar chooses.");
        return b.toString();
    }

    /** "run MODEL IMAGE" */
    private static String shortUsage(CommandSpec s) {
        StringBuilder b = new StringBuilder(s.invocation().substring("./cnnkit ".length()));
        for (var a : s.args()) {
            b.append(' ').append(a.name());
        }
        return b.toString();
    }

    /** A model name from a file name ("model" for descriptions). */
    static String modelName(String model) {
        Path p;
        try {
            p = Path.of(model);
        } catch (RuntimeException e) {
            return "model";
        }
        if (!Files.isRegularFile(p)) {
            return "model";
        }
        String base = p.getFileName().toString();
        int dot = base.lastIndexOf('.');
        base = (dot > 0 ? base.substring(0, dot) : base).replaceAll("[^A-Za-z0-9_.-]", "_");
        return base.isEmpty() ? "model" : base;
    }

    private int fail(CommandSpec spec, RuntimeException failure) {
        Throwable e = Errors.unwrap(failure);
        String msg = Errors.message(e);
        if (spec != null && msg.startsWith(spec.invocation() + ": ")) {
            msg = msg.substring(spec.invocation().length() + 2);
        }
        String command = spec == null ? "" : spec.invocation().substring("./cnnkit ".length()) + ": ";
        // Multi-line messages keep their lines: a parse error's caret sits under its column.
        err.println("cnnkit: " + command + msg);
        err.println("hint: " + Errors.hint(e, false, debug));
        if (debug) {
            e.printStackTrace(err);
        }
        return e instanceof UsageException || !Errors.isUserError(e) ? 2 : 1;
    }
}
