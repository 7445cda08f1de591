package io.cnnkit.launcher.shell;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import io.cnnkit.engine.api.Engine;
import io.cnnkit.engine.kernel.KernelBackend;
import io.cnnkit.launcher.cli.CommandSpec;
import io.cnnkit.launcher.cli.Commands;
import io.cnnkit.launcher.cli.Errors;
import io.cnnkit.launcher.cli.Options;
import io.cnnkit.launcher.cli.Parsed;

/**
 * The {@code cnn:*} Gogo commands: a thin layer over {@link CnnCommands}. Every command takes
 * its words as strings and reads them with its {@link Commands} definition, so that a wrong
 * option or value is told by name (Gogo's own coercion would report method signatures), and
 * {@code --help} prints the same help as {@code ./cnnkit}. Relative paths resolve against the
 * session's current folder ({@code cd} in the shell).
 */
@Component(service = ShellCommands.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@GogoCommand(scope = "cnn", function = {"types", "load", "models", "unload", "summary", "run", "classify", "weights",
        "filter", "demo", "bench", "serve"})
public final class ShellCommands {
    private static final String ARGS = "arguments and options; --help lists them";
    private final CnnCommands commands;

    /** The kernel backends present (the conv and dense providers use the highest-ranked one). */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<ServiceReference<KernelBackend>> kernelBackends;

    @Activate
    public ShellCommands(@Reference Engine engine) {
        this.commands = new CnnCommands(engine, System.out);
    }

    @Deactivate
    void deactivate() {
        commands.close();
    }

    /** The service layer, for the CLI runner. */
    CnnCommands commands() {
        return commands;
    }

    /** Parses {@code args} with {@code spec}, runs {@code body}; --help returns the help; failures name the command. */
    private static Object call(CommandSpec spec, String[] args, Function<Parsed, Object> body) {
        try {
            Parsed p = spec.parse(args == null ? List.of() : List.of(args));
            return p.wantsHelp() ? spec.help() : body.apply(p);
        } catch (RuntimeException e) {
            throw Errors.inShell(spec, e);
        }
    }

    @Descriptor("list the layer types, activation functions and kernel backends present, with the bundle providing each")
    public Object types(@Descriptor(ARGS) String... args) {
        return call(Commands.TYPES, args, p -> typesWithBackends());
    }

    /** The types table with the kernel backends, highest ranking (the one in use) first. */
    Results.Types typesWithBackends() {
        List<Results.Provider> rows = new ArrayList<>(commands.types().rows());
        List<ServiceReference<KernelBackend>> backends = new ArrayList<>(
                kernelBackends == null ? List.of() : kernelBackends);
        Collections.sort(backends, Collections.reverseOrder());
        for (int i = 0; i < backends.size(); i++) {
            ServiceReference<KernelBackend> r = backends.get(i);
            Bundle b = r.getBundle();
            String origin = b == null ? "unregistered"
                    : b.getSymbolicName() + " " + b.getVersion() + " [" + b.getBundleId() + "]";
            rows.add(new Results.Provider("kernels", r.getProperty(KernelBackend.NAME) + (i == 0 ? "" : " (unused)"),
                    origin));
        }
        if (backends.isEmpty()) {
            rows.add(new Results.Provider("kernels", "scalar", "the layer bundles' own (no kernel backend service)"));
        }
        return new Results.Types(rows);
    }

    @Descriptor("build a model under a name from a cnnkit/Keras JSON file, a full-model Keras .h5 or a one-line "
            + "description such as 'conv2d(3, 3, name=conv_1) | max_pooling2d(3) | relu'")
    public Object load(CommandSession session, @Descriptor("NAME MODEL [options]; --help lists them") String... args) {
        return call(Commands.LOAD_SHELL, args, p -> Params.load(commands, p, p.arg(0), p.arg(1), path -> path(session,
                path)));
    }

    @Descriptor("list the loaded models: ready, or unavailable and why")
    public Object models(@Descriptor(ARGS) String... args) {
        return call(Commands.MODELS, args, p -> commands.models());
    }

    @Descriptor("forget a loaded model")
    public Object unload(@Descriptor("NAME") String... args) {
        return call(Commands.UNLOAD, args, p -> {
            commands.model(p.arg(0));
            commands.unload(p.arg(0));
            return "unloaded '" + p.arg(0) + "'";
        });
    }

    @Descriptor("print a model's layers, output shapes and parameter counts as Keras's model.summary()")
    public Object summary(@Descriptor("NAME") String... args) {
        return call(Commands.SUMMARY, args, p -> commands.summary(p.arg(0)));
    }

    @Descriptor("run a model on an image and write one picture per layer, report.html and optional .npy files")
    public Object run(CommandSession session, @Descriptor("NAME IMAGE [options]; --help lists them") String... args) {
        return call(Commands.RUN_SHELL, args, p -> commands.run(p.arg(0), path(session, p.arg(1)),
                Params.run(p, s -> path(session, s))));
    }

    @Descriptor("run a loaded model on many images and write one row per image (CSV or JSON Lines)")
    public Object classify(CommandSession session,
            @Descriptor("NAME INPUT... [options]; --help lists them") String... args) {
        return call(Commands.CLASSIFY_SHELL, args, p -> {
            PrintStream progress = session != null && session.getConsole() != null ? session.getConsole()
                    : System.out;
            return commands.classify(p.arg(0), Params.classify(p, s -> path(session, s)), progress, false, null, null);
        });
    }

    @Descriptor("weights: 'save NAME FILE', 'load NAME FILE' or 'show FILE' (Keras HDF5)")
    public Object weights(CommandSession session,
            @Descriptor("save NAME FILE | load NAME FILE [options] | show FILE") String... args) {
        String action = args == null || args.length == 0 ? "" : args[0];
        CommandSpec spec = Commands.find(Commands.SHELL, "cnn:weights " + action);
        if (spec == null) {
            if (action.equals("--help") || action.equals("-h")) {
                return Commands.WEIGHTS_SAVE.help() + "\n\n" + Commands.WEIGHTS_LOAD.help() + "\n\n"
                        + Commands.WEIGHTS_SHOW.help();
            }
            throw new CommandException("cnn:weights: " + (action.isEmpty() ? "missing the action"
                    : "unknown action '" + action + "'") + "; expected save, load or show",
                    "cnn:weights save NAME FILE, cnn:weights load NAME FILE or cnn:weights show FILE");
        }
        String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        return call(spec, rest, p -> switch (action) {
            case "save" -> commands.weightsSave(p.arg(0), path(session, p.arg(1)));
            case "load" -> commands.weightsLoad(p.arg(0), path(session, p.arg(1)), Params.loadOptions(p));
            default -> commands.weightsShow(path(session, p.arg(0)));
        });
    }

    @Descriptor("filter an image with a classic kernel (sharpen, sharpen5, laplacian, sobel_x, sobel_y, box, "
            + "gaussian), channel by channel")
    public Object filter(CommandSession session, @Descriptor("IMAGE KERNEL [options]; --help lists them") String... args) {
        return call(Commands.FILTER, args, p -> commands.filter(path(session, p.arg(0)), p.arg(1),
                Params.filter(p, s -> path(session, s))));
    }

    @Descriptor("replay the walkthrough on the bundled photo (or --image) and write pictures and index.html")
    public Object demo(CommandSession session, @Descriptor(ARGS) String... args) {
        return call(Commands.DEMO_SHELL, args, p -> commands.demo(optionalPath(session, p.path(Options.IMAGE)),
                optionalPath(session, p.path(Options.DEMO_OUT))));
    }

    @Descriptor("time a model on seeded random input: one cold run, warm-up runs, then timed runs; reports cold, "
            + "median and p90 ms, GFLOP/s and peak heap, ending with a 'bench:' line")
    public Object bench(@Descriptor("MODEL [options]; --help lists them") String... args) {
        return call(Commands.BENCH_SHELL, args, p -> commands.bench(p.arg(0), Params.bench(p)));
    }

    @Descriptor("start the explorer web app (Models, Graph, Run, Convolution explained, Walkthrough, Runtime) in "
            + "this runtime; it serves until the shell ends")
    public Object serve(CommandSession session, @Descriptor(ARGS) String... args) {
        return call(Commands.SERVE_SHELL, args, p -> "cnnkit explorer: " + Serve.start(Serve.Params.of(p,
                s -> path(session, s))) + "  (it serves until the shell ends)");
    }

    private static Path optionalPath(CommandSession session, String p) {
        return p == null ? null : path(session, p);
    }

    /** Resolves against the shell's current folder, when the session has one. */
    static Path path(CommandSession session, String p) {
        Path given = Path.of(p);
        if (given.isAbsolute() || session == null) {
            return given;
        }
        Path cwd = session.currentDir();
        return cwd == null ? given : cwd.resolve(given).normalize();
    }
}
