package io.cnnkit.explorer.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Browser sessions by cookie: a random id (128 bits), a folder of their own under the
 * explorer's temporary root, removed when the session has been idle for {@code idleMillis} or
 * the explorer stops (and, for a Ctrl-C, by a shutdown hook).
 */
final class Sessions implements AutoCloseable {
    static final String COOKIE = "cnnkit_explorer";
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Path root;
    private final long idleMillis;
    private final ScheduledExecutorService sweeper;
    private final Thread hook;

    Sessions(long idleMillis) {
        this.idleMillis = idleMillis;
        try {
            this.root = Files.createTempDirectory("cnnkit-explorer-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the explorer's temporary folder: " + e.getMessage(), e);
        }
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cnnkit explorer sessions");
            t.setDaemon(true);
            return t;
        });
        sweeper.scheduleWithFixedDelay(this::sweep, 30, 30, TimeUnit.SECONDS);
        // ./cnnkit serve ends with Ctrl-C, which ends the JVM without stopping the bundles
        this.hook = new Thread(() -> Session.deleteTree(root), "cnnkit explorer cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    Path root() {
        return root;
    }

    /** The request's session, or a new one (its cookie set on the response). */
    Session of(HttpServletRequest req, HttpServletResponse resp) {
        Cookie[] cookies = req.getCookies();
        if (cookies != null) {
            for (Cookie c : cookies) {
                if (COOKIE.equals(c.getName())) {
                    Session s = sessions.get(c.getValue());
                    if (s != null) {
                        s.touch();
                        return s;
                    }
                }
            }
        }
        byte[] b = new byte[16];
        random.nextBytes(b);
        String id = HexFormat.of().formatHex(b);
        Path dir = root.resolve(id);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new HttpError(500, "cannot create a session folder under " + root + ": " + e.getMessage(),
                    "check the free space of the temporary folder");
        }
        Session s = new Session(id, dir);
        sessions.put(id, s);
        // Strict: no other site's page can send requests in this session
        resp.addHeader("Set-Cookie", COOKIE + "=" + id + "; Path=/; HttpOnly; SameSite=Strict");
        return s;
    }

    /** Ends a session now (DELETE /api/session): its models, runs and files go. */
    void end(Session s) {
        sessions.remove(s.id);
        s.close();
    }

    int count() {
        return sessions.size();
    }

    private void sweep() {
        long limit = System.currentTimeMillis() - idleMillis;
        sessions.values().removeIf(s -> {
            if (s.lastSeen() < limit) {
                s.close();
                return true;
            }
            return false;
        });
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        sessions.values().forEach(Session::close);
        sessions.clear();
        Session.deleteTree(root);
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook runs anyway
        }
    }
}
