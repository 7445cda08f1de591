package io.cnnkit.launcher.cli;

import static io.cnnkit.launcher.cli.Options.BATCH;
import static io.cnnkit.launcher.cli.Options.BGR;
import static io.cnnkit.launcher.cli.Options.BY_NAME;
import static io.cnnkit.launcher.cli.Options.BY_ORDER;
import static io.cnnkit.launcher.cli.Options.DEMO_OUT;
import static io.cnnkit.launcher.cli.Options.GREY;
import static io.cnnkit.launcher.cli.Options.IMAGE;
import static io.cnnkit.launcher.cli.Options.INPUT;
import static io.cnnkit.launcher.cli.Options.INPUT_SEED;
import static io.cnnkit.launcher.cli.Options.NPY;
import static io.cnnkit.launcher.cli.Options.OUT_DIR;
import static io.cnnkit.launcher.cli.Options.OUT_FILE;
import static io.cnnkit.launcher.cli.Options.RESCALE;
import static io.cnnkit.launcher.cli.Options.RESIZE;
import static io.cnnkit.launcher.cli.Options.RUNS;
import static io.cnnkit.launcher.cli.Options.SEED;
import static io.cnnkit.launcher.cli.Options.SKIP_MISMATCH;
import static io.cnnkit.launcher.cli.Options.THREADS;
import static io.cnnkit.launcher.cli.Options.VERBOSE;
import static io.cnnkit.launcher.cli.Options.WARMUP;
import static io.cnnkit.launcher.cli.Options.WARMUP_SECONDS;
import static io.cnnkit.launcher.cli.Options.WEIGHTS;

import java.util.ArrayList;
import java.util.List;

/**
 * The commands of {@code ./cnnkit} and of the shell's {@code cnn:} scope, with their
 * arguments and options (from {@link Options}). Both command lines are parsed, documented
 * and completed from these definitions.
 */
public final class Commands {
    private Commands() {
    }

    static final List<Opt> LOAD = List.of(WEIGHTS, BY_NAME, BY_ORDER, SKIP_MISMATCH);
    static final List<Opt> IMAGE_INPUT = List.of(RESCALE, BGR, GREY, RESIZE);
    static final List<Opt> RUN = List.of(OUT_DIR, NPY, THREADS, Options.LABELS, Options.TOP);
    static final List<Opt> BENCH = List.of(BATCH, THREADS, RUNS, WARMUP, WARMUP_SECONDS, INPUT_SEED, INPUT);

    static final Arg MODEL = new Arg("MODEL",
            "a cnnkit or Keras JSON file, a full-model Keras .h5, or a one-line description such as "
                    + "'conv2d(3, 3) | max_pooling2d(3) | relu' (quoted)");
    static final Arg IMAGE_FILE = new Arg("IMAGE", "an image file (PNG, JPEG, BMP, GIF)");
    static final Arg NAME = new Arg("NAME", "a loaded model's name (cnn:models lists them)");
    static final Arg KERNEL = new Arg("KERNEL", "sharpen, sharpen5, laplacian, sobel_x, sobel_y, box, gaussian or identity");
    static final Arg WEIGHTS_FILE = new Arg("FILE", "a Keras HDF5 weights file");
    static final Arg BENCH_MODEL = new Arg("MODEL", "a workload W1..W4, a JSON or full-model .h5 file, or a one-line "
            + "description");

    @SafeVarargs
    private static List<Opt> join(List<Opt>... lists) {
        List<Opt> all = new ArrayList<>();
        for (List<Opt> l : lists) {
            all.addAll(l);
        }
        return all;
    }

    private static CommandSpec cli(String name, List<Arg> args, List<Opt> options, String summary, String details) {
        return new CommandSpec("./cnnkit " + name, args, options, summary, details, "./cnnkit " + name + " --help");
    }

    private static CommandSpec shell(String name, List<Arg> args, List<Opt> options, String summary, String details) {
        String command = "cnn:" + name.split(" ")[0];
        return new CommandSpec("cnn:" + name, args, options, summary, details, command + " --help");
    }

    // ./cnnkit COMMAND
    public static final CommandSpec DEMO = cli("demo", List.of(), List.of(IMAGE, DEMO_OUT),
            "replay the walkthrough, write pictures and out/demo/index.html",
            "Sharpening kernels, the seed model traced one layer more at a time with weights loaded by\n"
                    + "name, sigmoid and tanh, kernel sizes; on the bundled photo or --image.");
    public static final CommandSpec RUN_CLI = cli("run", List.of(MODEL, IMAGE_FILE), join(RUN, IMAGE_INPUT, LOAD),
            "trace a model on an image, write one picture per layer and report.html",
            "Prints the stage table (every layer's output shape and statistics), the model's outputs and the\n"
                    + "top classes of each (as probabilities after a softmax or sigmoid, else raw scores).\n"
                    + "--weights loads Keras HDF5 weights by layer name (--by-order: in order of weighted layers).");
    public static final CommandSpec SUMMARY_CLI = cli("summary", List.of(MODEL), LOAD,
            "layers, output shapes and parameter counts, as Keras's model.summary()", "");
    public static final CommandSpec TYPES_CLI = cli("types", List.of(), List.of(),
            "list the layer types, activations and kernel backends present, with their bundles", "");
    public static final CommandSpec FILTER_CLI = cli("filter", List.of(IMAGE_FILE, KERNEL), List.of(OUT_FILE, Options.CLIP),
            "filter an image channel by channel with a classic kernel", "");
    public static final CommandSpec WEIGHTS_INIT = cli("weights init", List.of(MODEL, new Arg("FILE",
            "the Keras HDF5 file to write")), List.of(SEED), "save a model's initial weights (Keras HDF5)", "");
    public static final CommandSpec WEIGHTS_SHOW_CLI = cli("weights show", List.of(WEIGHTS_FILE), List.of(),
            "list a Keras HDF5 file's layers and weights", "");
    public static final CommandSpec BENCH_CLI = cli("bench", List.of(BENCH_MODEL), BENCH,
            "time a model on seeded random input",
            "One cold run, untimed warm-up runs (at least --warmup, for at least --warmup-seconds: the JIT\n"
                    + "compiles the kernels meanwhile), then --runs timed runs; prints cold, median and p90 ms,\n"
                    + "GFLOP/s and peak heap, and ends with one line:\n"
                    + "  bench: <model> batch=<n> threads=<t> median_ms=<x> p90_ms=<y> gflops=<z> peak_heap_mb=<m>");
    public static final CommandSpec SHELL_CLI = cli("shell", List.of(), List.of(),
            "the interactive Gogo console (cnn:* commands, plug-ins, Tab completion)",
            "'help cnn' lists the cnnkit commands; Ctrl-D or 'exit' quits. Plug-in bundles dropped into\n"
                    + "plugins/ are installed and started.");
    public static final CommandSpec SCRIPT_CLI = cli("script", List.of(new Arg("FILE",
            "a file of shell commands, one per line or separated by ';'")), List.of(),
            "run shell commands from a file without a console, printing every command's output", "");

    public static final CommandSpec CLASSIFY_CLI = cli("classify", List.of(MODEL, new Arg("INPUT...",
            "image files and folders (searched recursively for .png .jpg .jpeg .bmp .gif, in sorted order); "
                    + "your shell expands globs such as 'photos/*.jpg'")),
            join(List.of(Options.CLASSIFY_OUT, Options.LABELS, Options.TOP, Options.FEATURES, Options.RESUME,
                    Options.CLASSIFY_BATCH, THREADS, Options.SPARK), IMAGE_INPUT, LOAD),
            "run a model on many images and write one row per image (CSV or JSON Lines)",
            "CSV columns: path,label1,probability1,...,labelK,probabilityK,error (score instead of probability\n"
                    + "when the last layer is no softmax or sigmoid); with --features: path,f0,f1,...,error. JSON Lines:\n"
                    + "{\"path\":...,\"top\":[{\"label\":...,\"probability\":...}],\"error\":null} or {\"path\":...,"
                    + "\"features\":[...],\"error\":null}.\n"
                    + "An image that fails (unreadable, wrong size without --resize, too large) gets a row with its error\n"
                    + "and the run goes on. Rows go to FILE.part, renamed to FILE at the end; after a killed run,\n"
                    + "--resume continues FILE.part (or FILE) and skips the paths already in it.\n"
                    + "Exit status: 0 every image classified, 3 some failed (counted on the last line), 1 model or\n"
                    + "file error, 2 usage error.");

    static final List<Opt> SERVE = List.of(Options.PORT, Options.BIND, Options.MODELS_DIR);
    static final String SERVE_DETAILS = "Pages: Models, Graph, Run (per-node maps, values, histograms, top classes), Convolution\n"
            + "explained, Walkthrough, Runtime (bundles and services, live). The JSON API behind them is under /api\n"
            + "(README: 'Explorer (web app)'). Uploads stay in a temporary folder per browser session, removed when\n"
            + "the session ends or the server stops.";
    public static final CommandSpec SERVE_CLI = cli("serve", List.of(), SERVE,
            "start the explorer web app and serve it until Ctrl-C", SERVE_DETAILS);

    /** {@code ./cnnkit} commands, in the order the general help lists them. */
    public static final List<CommandSpec> CLI = List.of(DEMO, RUN_CLI, CLASSIFY_CLI, SUMMARY_CLI, TYPES_CLI, FILTER_CLI, WEIGHTS_INIT,
            WEIGHTS_SHOW_CLI, BENCH_CLI, SERVE_CLI, SHELL_CLI, SCRIPT_CLI);

    // cnn:COMMAND in the shell
    public static final CommandSpec TYPES = shell("types", List.of(), List.of(),
            "list the layer types, activations and kernel backends present, with their bundles", "");
    public static final CommandSpec LOAD_SHELL = shell("load", List.of(new Arg("NAME",
            "the name the other commands use"), MODEL), join(LOAD, List.of(SEED, VERBOSE)),
            "build a model under a name from a JSON file, a full-model .h5 or a description", "");
    public static final CommandSpec MODELS = shell("models", List.of(), List.of(),
            "list the loaded models: ready, or unavailable and why", "");
    public static final CommandSpec UNLOAD = shell("unload", List.of(NAME), List.of(), "forget a loaded model", "");
    public static final CommandSpec SUMMARY = shell("summary", List.of(NAME), List.of(),
            "a model's layers, output shapes and parameter counts, as Keras's model.summary()", "");
    public static final CommandSpec RUN_SHELL = shell("run", List.of(NAME, IMAGE_FILE), join(RUN, IMAGE_INPUT),
            "run a model on an image, write one picture per layer and report.html", "");
    public static final CommandSpec WEIGHTS_SAVE = shell("weights save", List.of(NAME, new Arg("FILE",
            "the Keras HDF5 file to write")), List.of(), "save a model's weights (Keras HDF5, by layer name)", "");
    public static final CommandSpec WEIGHTS_LOAD = shell("weights load", List.of(NAME, WEIGHTS_FILE),
            List.of(BY_NAME, BY_ORDER, SKIP_MISMATCH), "load Keras HDF5 weights into a model", "");
    public static final CommandSpec WEIGHTS_SHOW = shell("weights show", List.of(WEIGHTS_FILE), List.of(),
            "list a Keras HDF5 file's layers and weights", "");
    public static final CommandSpec FILTER = shell("filter", List.of(IMAGE_FILE, KERNEL), List.of(OUT_FILE, Options.CLIP),
            "filter an image channel by channel with a classic kernel", "");
    public static final CommandSpec DEMO_SHELL = shell("demo", List.of(), List.of(IMAGE, DEMO_OUT),
            "replay the walkthrough and write pictures and index.html", "");
    public static final CommandSpec CLASSIFY_SHELL = shell("classify", List.of(NAME, new Arg("INPUT...",
            "image files and folders (searched recursively for .png .jpg .jpeg .bmp .gif, in sorted order); "
                    + "the shell expands globs such as 'photos/*.jpg'")),
            join(List.of(Options.CLASSIFY_OUT, Options.LABELS, Options.TOP, Options.FEATURES, Options.RESUME,
                    Options.CLASSIFY_BATCH, THREADS), IMAGE_INPUT),
            "run a loaded model on many images and write one row per image (CSV or JSON Lines)",
            "The rows and files of ./cnnkit classify (./cnnkit classify --help describes them); prints the\n"
                    + "count of rows and failed images. Relative paths start at the shell's current folder.");
    public static final CommandSpec BENCH_SHELL = shell("bench", List.of(new Arg("MODEL",
            "a loaded model's name, a workload W1..W4, a JSON or full-model .h5 file, or a description")), BENCH,
            "time a model on seeded random input (cold, median and p90 ms, GFLOP/s, peak heap)", "");

    public static final CommandSpec SERVE_SHELL = shell("serve", List.of(), SERVE,
            "start the explorer web app in this runtime (it serves until the shell ends)", SERVE_DETAILS);

    /** The shell's cnn: commands, in the order 'help cnn' lists them. */
    public static final List<CommandSpec> SHELL = List.of(TYPES, LOAD_SHELL, MODELS, UNLOAD, SUMMARY, RUN_SHELL,
            CLASSIFY_SHELL, WEIGHTS_SAVE, WEIGHTS_LOAD, WEIGHTS_SHOW, FILTER, DEMO_SHELL, BENCH_SHELL, SERVE_SHELL);

    /** The spec invoked as {@code invocation} (e.g. "./cnnkit run", "cnn:weights load"), or null. */
    public static CommandSpec find(List<CommandSpec> specs, String invocation) {
        for (CommandSpec s : specs) {
            if (s.invocation().equals(invocation)) {
                return s;
            }
        }
        return null;
    }
}
