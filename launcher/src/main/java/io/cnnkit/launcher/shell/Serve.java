package io.cnnkit.launcher.shell;

import java.io.IOException;
import java.net.BindException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.startlevel.FrameworkStartLevel;

import io.cnnkit.launcher.cli.Options;
import io.cnnkit.launcher.cli.Parsed;

/**
 * {@code ./cnnkit serve} and {@code cnn:serve}: the explorer web app in this runtime. The web
 * server (Apache Felix HTTP on Jetty) and the explorer bundle are installed at start level
 * {@value #LEVEL}, above the level every other command runs at, so only this raises the
 * framework to it. Address and port reach Felix HTTP as system properties (its bundle context
 * falls back to them) set before it starts; the port is checked first so that a taken port is
 * one clear error.
 */
final class Serve {
    /** launcher/cnnkit.bndrun: the start level of the web server and the explorer. */
    static final int LEVEL = 10;
    private static final long START_TIMEOUT_MS = 30_000;
    private static volatile String url;

    private Serve() {
    }

    /** Options read and checked: the address, the port (0 = a free one), the models folder or null. */
    record Params(String bind, int port, Path models) {
        static Params of(Parsed p, java.util.function.Function<String, Path> resolve) {
            int port = p.integer(Options.PORT, 8080, 0);
            if (port > 65535) {
                throw new CommandException("--port " + port + " is not a TCP port", "give 1..65535, or 0 for a free one");
            }
            String bind = p.text(Options.BIND, "127.0.0.1");
            String dir = p.path(Options.MODELS_DIR);
            Path models = dir == null ? null : resolve.apply(dir).toAbsolutePath().normalize();
            if (models != null && !Files.isDirectory(models)) {
                throw new CommandException("--models " + dir + " is not a folder", "give the folder that holds your .h5 and "
                        + ".json model files");
            }
            return new Params(bind, port, models);
        }
    }

    /** Starts the web app (once per runtime) and returns its URL. */
    static synchronized String start(Params params) {
        if (url != null) {
            return url;
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(params.bind());
        } catch (UnknownHostException e) {
            throw new CommandException("--bind " + params.bind() + " is not an address of this machine",
                    "give an IP address such as 127.0.0.1 (the default) or 0.0.0.0");
        }
        int port = checkPort(address, params.port());
        BundleContext context = FrameworkUtil.getBundle(Serve.class).getBundleContext();
        System.setProperty("org.osgi.service.http.port", Integer.toString(port));
        System.setProperty("org.apache.felix.http.host", address.getHostAddress());
        if (params.models() != null) {
            System.setProperty("cnnkit.explorer.models.dir", params.models().toString());
        }
        raiseStartLevel(context);
        String host = address.getHostAddress().contains(":") ? "[" + address.getHostAddress() + "]"
                : address.getHostAddress();
        if (address.isAnyLocalAddress()) {
            host = "127.0.0.1";
        }
        String u = "http://" + host + ":" + port + "/";
        awaitAnswer(context, u);
        url = u;
        return u;
    }

    /** The port to use: {@code wanted} if free on {@code address}, or a free one for 0. */
    static int checkPort(InetAddress address, int wanted) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(address, wanted));
            return s.getLocalPort();
        } catch (BindException e) {
            throw new CommandException("port " + wanted + " on " + address.getHostAddress() + " is in use ("
                    + e.getMessage() + ")", "stop the program using it, give another --port, or --port 0 for a free one");
        } catch (IOException e) {
            throw new CommandException("cannot listen on " + address.getHostAddress() + ":" + wanted + ": " + e.getMessage(),
                    "check --bind (an address of this machine) and --port");
        }
    }

    private static void raiseStartLevel(BundleContext context) {
        FrameworkStartLevel fsl = context.getBundle(0).adapt(FrameworkStartLevel.class);
        if (fsl.getStartLevel() >= LEVEL) {
            return;
        }
        CountDownLatch done = new CountDownLatch(1);
        fsl.setStartLevel(LEVEL, e -> {
            if (e.getType() == FrameworkEvent.STARTLEVEL_CHANGED) {
                done.countDown();
            }
        });
        try {
            if (!done.await(START_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                throw new CommandException("the web server's bundles did not start within " + START_TIMEOUT_MS / 1000 + " s",
                        "run again with --debug, or look at 'lb' in ./cnnkit shell");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandException("interrupted while starting the web server", "run it again");
        }
    }

    /** Waits until the explorer answers /api/health; names the bundles that are not active if it never does. */
    private static void awaitAnswer(BundleContext context, String u) {
        long end = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (System.currentTimeMillis() < end) {
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create(u + "api/health").toURL().openConnection();
                c.setConnectTimeout(1000);
                c.setReadTimeout(2000);
                if (c.getResponseCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        StringBuilder notActive = new StringBuilder();
        for (Bundle b : context.getBundles()) {
            String n = String.valueOf(b.getSymbolicName());
            if ((n.startsWith("org.apache.felix.http") || n.equals("io.cnnkit.web.explorer")) && b.getState() != Bundle.ACTIVE) {
                notActive.append(notActive.length() == 0 ? "" : ", ").append(n).append(" is ")
                        .append(b.getState() == Bundle.RESOLVED ? "resolved, not active" : "not resolved");
            }
        }
        throw new CommandException("the explorer did not answer at " + u + " within " + START_TIMEOUT_MS / 1000 + " s"
                + (notActive.length() > 0 ? " (" + notActive + ")" : ""),
                "run again with --debug; another program may have taken the port meanwhile");
    }
}
