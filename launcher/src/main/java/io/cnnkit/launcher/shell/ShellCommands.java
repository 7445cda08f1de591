package io.cnnkit.launcher.shell;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import io.cnnkit.engine.api.Engine;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.kernel.KernelBackend;
import io.cnnkit.io.api.LoadOptions;

/**
 * The {@code cnn:*} Gogo commands: a thin layer over {@link CnnCommands}. Relative paths
 * resolve against the session's current folder ({@code cd} in the shell).
 */
@Component(service = ShellCommands.class)
@GogoCommand(scope = "cnn", function = {"types", "load", "models", "unload", "summary", "run", "weights", "filter",
        "demo", "bench"})
public final class ShellCommands {
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

    @Descriptor("list the layer types, activation functions and kernel backends present, with the bundle providing each")
    public Object types() {
        List<Results.Provider> rows = new ArrayList<>(commands.types().rows());
        List<ServiceReference<KernelBackend>> backends = new ArrayList<>(
                kernelBackends == null ? List.of() : kernelBackends);
        Collections.sort(backends, Collections.reverseOrder()); // highest ranking first: the one in use
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
    public Object load(CommandSession session,
            @Descriptor("load weights from this Keras HDF5 file") @Parameter(names = "--weights", absentValue = "")
            String weights,
            @Descriptor("match weights to layers by name (the default)")
            @Parameter(names = "--by-name", presentValue = "true", absentValue = "false") boolean byName,
            @Descriptor("match weights to weighted layers in order instead of by name")
            @Parameter(names = "--by-order", presentValue = "true", absentValue = "false") boolean byOrder,
            @Descriptor("skip layers whose weight shapes differ instead of failing")
            @Parameter(names = "--skip-mismatch", presentValue = "true", absentValue = "false") boolean skipMismatch,
            @Descriptor("seed for the initial weights (default: the description's seed)")
            @Parameter(names = "--seed", absentValue = "") String seed,
            @Descriptor("model name, used by the other commands") String name,
            @Descriptor("JSON file, .h5 file or one-line description") String model) {
        return commands.load(name, model, weights.isEmpty() ? null : path(session, weights),
                loadOptions(byName, byOrder, skipMismatch), seed.isEmpty() ? null : parseSeed(seed));
    }

    @Descriptor("list the loaded models: ready, or unavailable and why")
    public Object models() {
        return commands.models();
    }

    @Descriptor("forget a loaded model")
    public Object unload(@Descriptor("model name") String name) {
        commands.model(name);
        commands.unload(name);
        return "unloaded '" + name + "'";
    }

    @Descriptor("print a model's layers, output shapes and parameter counts as Keras's model.summary()")
    public Object summary(@Descriptor("model name") String name) {
        return commands.summary(name);
    }

    @Descriptor("run a model on an image and write one picture per layer, report.html and optional .npy files")
    public Object run(CommandSession session,
            @Descriptor("output folder (default out/NAME)") @Parameter(names = "--out", absentValue = "") String out,
            @Descriptor("also write every stage as a NumPy .npy file")
            @Parameter(names = "--npy", presentValue = "true", absentValue = "false") boolean npy,
            @Descriptor("threads for this run (0 = engine default)")
            @Parameter(names = "--threads", absentValue = "0") int threads,
            @Descriptor("multiply every pixel value (1/255 gives 0..1)")
            @Parameter(names = "--rescale", absentValue = "1") double rescale,
            @Descriptor("channel order B, G, R (OpenCV's imread)")
            @Parameter(names = "--bgr", presentValue = "true", absentValue = "false") boolean bgr,
            @Descriptor("read the image as one grey channel")
            @Parameter(names = "--grey", presentValue = "true", absentValue = "false") boolean grey,
            @Descriptor("resize the image to the model's input size")
            @Parameter(names = "--resize", presentValue = "true", absentValue = "false") boolean resize,
            @Descriptor("model name") String name,
            @Descriptor("image file (PNG, JPEG, BMP, GIF)") String image) {
        return commands.run(name, path(session, image), new CnnCommands.RunParams(
                out.isEmpty() ? null : path(session, out), npy, threads, rescale, bgr, grey, resize));
    }

    @Descriptor("weights: 'save NAME FILE', 'load NAME FILE' or 'show FILE' (Keras HDF5)")
    public Object weights(CommandSession session,
            @Descriptor("load: match layers by name (the default)")
            @Parameter(names = "--by-name", presentValue = "true", absentValue = "false") boolean byName,
            @Descriptor("load: match weighted layers in order instead of by name")
            @Parameter(names = "--by-order", presentValue = "true", absentValue = "false") boolean byOrder,
            @Descriptor("load: skip layers whose weight shapes differ instead of failing")
            @Parameter(names = "--skip-mismatch", presentValue = "true", absentValue = "false") boolean skipMismatch,
            @Descriptor("save, load or show") String action,
            @Descriptor("NAME FILE (save, load) or FILE (show)") String... args) {
        switch (action) {
            case "save" -> {
                need(args, 2, "cnn:weights save NAME FILE");
                return commands.weightsSave(args[0], path(session, args[1]));
            }
            case "load" -> {
                need(args, 2, "cnn:weights load NAME FILE [--by-name|--by-order] [--skip-mismatch]");
                return commands.weightsLoad(args[0], path(session, args[1]),
                        loadOptions(byName, byOrder, skipMismatch));
            }
            case "show" -> {
                need(args, 1, "cnn:weights show FILE");
                return commands.weightsShow(path(session, args[0]));
            }
            default -> throw new CommandException("unknown weights action '" + action + "'",
                    "use save NAME FILE, load NAME FILE or show FILE");
        }
    }

    @Descriptor("filter an image with a classic kernel (sharpen, sharpen5, laplacian, sobel_x, sobel_y, box, "
            + "gaussian), channel by channel")
    public Object filter(CommandSession session,
            @Descriptor("output picture (default out/filter/IMAGE_KERNEL.png)")
            @Parameter(names = "--out", absentValue = "") String out,
            @Descriptor("clamp the filtered values to 0..255 as image editors do (default: min-max to 0..255)")
            @Parameter(names = "--clip", presentValue = "true", absentValue = "false") boolean clip,
            @Descriptor("image file") String image,
            @Descriptor("kernel name") String kernel) {
        return commands.filter(path(session, image), kernel,
                new CnnCommands.FilterParams(out.isEmpty() ? null : path(session, out), clip));
    }

    @Descriptor("replay the walkthrough on the bundled photo (or --image) and write pictures and index.html")
    public Object demo(CommandSession session,
            @Descriptor("image file instead of the bundled photo") @Parameter(names = "--image", absentValue = "")
            String image,
            @Descriptor("output folder (default out/demo)") @Parameter(names = "--out", absentValue = "") String out) {
        return commands.demo(image.isEmpty() ? null : path(session, image), out.isEmpty() ? null : path(session, out));
    }

    @Descriptor("time a model on seeded random input: one cold run, warm-up runs, then timed runs; reports cold, "
            + "median and p90 ms, GFLOP/s and peak heap, ending with a 'bench:' line")
    public Object bench(
            @Descriptor("samples per run (default 1, or the workload's batch)")
            @Parameter(names = "--batch", absentValue = "0") int batch,
            @Descriptor("threads per run (default: every core)")
            @Parameter(names = "--threads", absentValue = "0") int threads,
            @Descriptor("timed runs") @Parameter(names = "--runs", absentValue = "10") int runs,
            @Descriptor("untimed runs after the cold run") @Parameter(names = "--warmup", absentValue = "2") int warmup,
            @Descriptor("seed of the random input") @Parameter(names = "--seed", absentValue = "42") long seed,
            @Descriptor("input shape HxWxC for descriptions that leave it open")
            @Parameter(names = "--input", absentValue = "") String input,
            @Descriptor("a loaded model's name, a workload W1..W4, a JSON or full-model .h5 file, or a one-line "
                    + "description") String model) {
        return commands.bench(model, new CnnCommands.BenchParams(batch, threads, runs, warmup, seed,
                input.isEmpty() ? null : parseShape(input)));
    }

    private static Shape parseShape(String s) {
        String[] parts = s.strip().split("x");
        int[] dims = new int[parts.length];
        try {
            for (int k = 0; k < parts.length; k++) {
                dims[k] = Integer.parseInt(parts[k]);
                if (dims[k] < 1) {
                    throw new NumberFormatException();
                }
            }
        } catch (NumberFormatException e) {
            throw new CommandException("--input needs positive sizes joined by x, got '" + s + "'", "e.g. --input 224x224x3");
        }
        return Shape.of(dims);
    }

    private static void need(String[] args, int n, String usage) {
        if (args.length != n) {
            throw new CommandException("expected " + n + " argument(s), got " + args.length, "usage: " + usage);
        }
    }

    private static long parseSeed(String s) {
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            throw new CommandException("--seed must be an integer, got '" + s + "'", "e.g. --seed 42");
        }
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

    /** By name unless --by-order (the walkthrough's load_weights(by_name=True) is the common case). */
    private static LoadOptions loadOptions(boolean byName, boolean byOrder, boolean skipMismatch) {
        if (byName && byOrder) {
            throw new CommandException("--by-name and --by-order exclude each other", "give one of them (by name is the default)");
        }
        return new LoadOptions(!byOrder, skipMismatch);
    }
}
