package io.cnnkit.testkit.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The Chromium process: finding the binary, starting it headless on a free DevTools port with a
 * throw-away profile, and taking the whole process tree and the profile down again.
 */
final class ChromiumProcess {
    static final String ENV_BINARY = "CNNKIT_CHROMIUM";
    static final Path DEFAULT_BINARY = Path.of("/usr/bin/chromium");
    static final String INSTALL_HINT = "install it with `apt-get install chromium` (Debian), point "
            + ENV_BINARY + " at a Chromium binary, or skip browser tests with -D" + Chromium.SKIP_PROPERTY;

    private final Process process;
    private final Path root;
    private final Path log;
    private volatile URI endpoint;
    /**
     * Every process of the tree seen so far, the main one first: a helper orphaned by a crashed
     * main process is no longer its descendant, yet must be killed and must not count as gone.
     */
    private final Set<ProcessHandle> seen = new LinkedHashSet<>();
    private long seenAt;

    private ChromiumProcess(Process process, Path root, Path log) {
        this.process = process;
        this.root = root;
        this.log = log;
        seen.add(process.toHandle());
    }

    /** CNNKIT_CHROMIUM when set (it must then exist), else /usr/bin/chromium; empty when neither. */
    static Optional<Path> find() {
        String configured = System.getenv(ENV_BINARY);
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured);
            if (!Files.isExecutable(path)) {
                throw new IllegalStateException(ENV_BINARY + "=" + configured + " is not an executable file; "
                        + INSTALL_HINT);
            }
            return Optional.of(path);
        }
        return Files.isExecutable(DEFAULT_BINARY) ? Optional.of(DEFAULT_BINARY) : Optional.empty();
    }

    static ChromiumProcess start(Path binary, int width, int height, Duration timeout) {
        Path root;
        try {
            root = Files.createTempDirectory("cnnkit-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary Chromium profile folder", e);
        }
        Path profile = root.resolve("profile");
        Path log = root.resolve("chromium.log");
        List<String> command = List.of(binary.toString(),
                "--headless=new",
                "--remote-debugging-port=0",
                "--user-data-dir=" + profile,
                // Chromium refuses to run as root with its sandbox on; tests run as root in CI containers
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-extensions",
                "--hide-scrollbars",
                // the same pixels and text on every machine, for screenshots and pixel checks
                "--force-color-profile=srgb",
                "--lang=en-US",
                "--window-size=" + width + "," + height,
                "about:blank");
        Process process;
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            // the crash handler keeps its database under $XDG_CONFIG_HOME/chromium: in the temporary
            // folder, not ~/.config, and its command line then names the folder (see tree())
            builder.environment().put("XDG_CONFIG_HOME", root.resolve("config").toString());
            process = builder.start();
        } catch (IOException e) {
            deleteTree(root);
            throw new IllegalStateException("cannot start Chromium " + binary + ": " + e.getMessage() + "; "
                    + INSTALL_HINT, e);
        }
        ChromiumProcess started = new ChromiumProcess(process, root, log);
        try {
            started.endpoint = awaitEndpoint(started, profile.resolve("DevToolsActivePort"), timeout);
            started.tree();
            return started;
        } catch (RuntimeException e) {
            started.destroy(Duration.ZERO);
            throw e;
        }
    }

    /** Chromium writes "port\n/devtools/browser/id" into the profile once it listens. */
    private static URI awaitEndpoint(ChromiumProcess started, Path portFile, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!started.process.isAlive()) {
                throw new IllegalStateException("Chromium exited with status " + started.process.exitValue()
                        + " before it opened its DevTools port" + started.logTail());
            }
            try {
                List<String> lines = Files.exists(portFile)
                        ? Files.readAllLines(portFile, StandardCharsets.UTF_8) : List.of();
                if (lines.size() >= 2 && !lines.get(1).isBlank()) {
                    return URI.create("ws://127.0.0.1:" + lines.get(0).trim() + lines.get(1).trim());
                }
            } catch (IOException e) {
                // the file is being written; read it again
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Chromium to start", e);
            }
        }
        throw new IllegalStateException("Chromium did not open its DevTools port within " + timeout.toMillis()
                + " ms (no " + portFile + ")" + started.logTail());
    }

    URI endpoint() {
        return endpoint;
    }

    /**
     * The main process and every helper (zygote, renderer, GPU, utility) seen so far, dead or alive,
     * and the crash handlers, which detach from the tree but name the temporary folder.
     */
    synchronized List<ProcessHandle> tree() {
        process.descendants().forEach(seen::add);
        String folder = root.toString();
        ProcessHandle.allProcesses()
                .filter(handle -> handle.info().commandLine().map(line -> line.contains(folder)).orElse(false))
                .forEach(seen::add);
        seenAt = System.nanoTime();
        return List.copyOf(seen);
    }

    /** {@link #tree()} at most every quarter second: called on every page command to catch new renderers. */
    synchronized void notice() {
        if (System.nanoTime() - seenAt > 250_000_000L) {
            tree();
        }
    }

    /**
     * Whether {@code handle} still runs: alive and, where /proc tells, not a zombie (a killed helper
     * whose new parent has not reaped it yet is dead for our purposes).
     */
    static boolean running(ProcessHandle handle) {
        if (!handle.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(handle.pid()), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return handle.isAlive(); // no /proc (not Linux), or the process just went away
        }
    }

    /** The last lines Chromium printed (without its D-Bus noise), for error messages. */
    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                    .filter(line -> !line.contains("dbus") && !line.isBlank())
                    .toList();
            List<String> tail = lines.subList(Math.max(0, lines.size() - 15), lines.size());
            return tail.isEmpty() ? " (Chromium printed nothing)"
                    : "\nChromium's last output (" + log + "):\n  " + String.join("\n  ", tail);
        } catch (IOException | UncheckedIOException e) {
            return " (no Chromium log: " + e.getMessage() + ")";
        }
    }

    /**
     * Waits up to {@code grace} for the browser to exit by itself (after Browser.close), then kills
     * it and every process of its {@link #tree()}, and removes the profile. Returns the processes
     * still running after all that, normally none.
     */
    List<ProcessHandle> destroy(Duration grace) {
        List<ProcessHandle> tree = tree();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroy();
                if (!process.waitFor(2, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
            tree.forEach(ProcessHandle::destroyForcibly);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (tree.stream().anyMatch(ChromiumProcess::running) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deleteTree(root);
        return tree.stream().filter(ChromiumProcess::running).toList();
    }

    /** Removes {@code root}; a second try after a moment covers a file a dying helper wrote last. */
    private static void deleteTree(Path root) {
        for (int attempt = 1; ; attempt++) {
            try {
                deleteOnce(root);
                return;
            } catch (IOException | UncheckedIOException e) {
                if (attempt == 2) {
                    throw new UncheckedIOException("cannot remove Chromium's temporary profile " + root,
                            e instanceof IOException io ? io : ((UncheckedIOException) e).getCause());
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static void deleteOnce(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** The temporary folder holding the profile and the log; removed by {@link #destroy}. */
    Path root() {
        return root;
    }
}
