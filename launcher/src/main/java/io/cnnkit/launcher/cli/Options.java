package io.cnnkit.launcher.cli;

/**
 * Every option of every cnnkit command, each written here once: the parser, the help texts
 * and the shell's Tab completion all read these.
 */
public final class Options {
    private Options() {
    }

    // how a model and its weights are loaded
    public static final Opt WEIGHTS = new Opt("--weights", "FILE", "load weights from this Keras HDF5 file");
    public static final Opt BY_NAME = new Opt("--by-name", null, "match weights to layers by name (the default)");
    public static final Opt BY_ORDER = new Opt("--by-order", null,
            "match weights to the weighted layers in order instead of by name");
    public static final Opt SKIP_MISMATCH = new Opt("--skip-mismatch", null,
            "skip layers whose weight shapes differ instead of failing");
    public static final Opt SEED = new Opt("--seed", "N", "seed of the initial weights (default: the description's)");
    public static final Opt VERBOSE = new Opt("--verbose", null, "also list every layer's weights as loaded");

    // how an image becomes the model's input
    public static final Opt RESCALE = new Opt("--rescale", "F",
            "multiply every pixel value by F (0.00392156862745098 = 1/255 gives 0..1)");
    public static final Opt BGR = new Opt("--bgr", null, "channel order B, G, R (OpenCV's imread)");
    public static final Opt GREY = new Opt("--grey", null, "read the image as one grey channel");
    public static final Opt RESIZE = new Opt("--resize", null, "resize the image to the model's input size");

    // run
    public static final Opt OUT_DIR = new Opt("--out", "DIR", "output folder (default out/NAME)");
    public static final Opt NPY = new Opt("--npy", null, "also write every stage as a NumPy .npy file");
    public static final Opt THREADS = new Opt("--threads", "N", "threads (default: every core)");
    public static final Opt LABELS = new Opt("--labels", "FILE",
            "class labels: one per line in class order, or a JSON object {\"0\": \"cat\", ...}");
    public static final Opt TOP = new Opt("--top", "K", "how many of the best classes to print per output (default 5)");

    // bench
    public static final Opt BATCH = new Opt("--batch", "N", "samples per run (default 1, or the workload's batch)");
    public static final Opt RUNS = new Opt("--runs", "N", "timed runs (default 10)");
    public static final Opt WARMUP = new Opt("--warmup", "N", "untimed runs after the cold run, at least (default 2)");
    public static final Opt WARMUP_SECONDS = new Opt("--warmup-seconds", "S",
            "and warm up until S seconds have passed (default 2; 0: --warmup runs only)");
    public static final Opt INPUT_SEED = new Opt("--seed", "N", "seed of the random input (default 42)");
    public static final Opt INPUT = new Opt("--input", "HxWxC",
            "input shape for descriptions that leave it open, e.g. 224x224x3");

    // filter, demo
    public static final Opt OUT_FILE = new Opt("--out", "FILE", "output picture (default out/filter/IMAGE_KERNEL.png)");
    public static final Opt CLIP = new Opt("--clip", null,
            "clamp the filtered values to 0..255 as image editors do (default: min-max to 0..255)");
    public static final Opt IMAGE = new Opt("--image", "FILE", "image instead of the bundled photo");
    public static final Opt DEMO_OUT = new Opt("--out", "DIR", "output folder (default out/demo)");

    // classify
    public static final Opt CLASSIFY_OUT = new Opt("--out", "FILE",
            "result file, .csv or .jsonl by its extension (default out/classify.csv)");
    public static final Opt FEATURES = new Opt("--features", "LAYER",
            "write this layer's output (flattened) per image instead of the top classes");
    public static final Opt RESUME = new Opt("--resume", null,
            "continue an earlier run: keep its rows and skip the images already in the result file");
    public static final Opt CLASSIFY_BATCH = new Opt("--batch", "N", "images per model run (default 16)");
    public static final Opt SPARK = new Opt("--spark", "MASTER",
            "run as an Apache Spark job on this master (e.g. local[2], spark://host:7077); same result file");

    // serve (the explorer web app)
    public static final Opt PORT = new Opt("--port", "N", "TCP port (default 8080; 0 picks a free one)");
    public static final Opt BIND = new Opt("--bind", "ADDR",
            "address to listen on (default 127.0.0.1, this machine only; 0.0.0.0 opens it to the network)");
    public static final Opt MODELS_DIR = new Opt("--models", "DIR",
            "a folder of model files (.h5, .json) the Models page can load");

    /** Every command's own: prints its help. */
    public static final Opt HELP = new Opt("--help", null, "print this help");
}
