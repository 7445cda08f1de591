package io.cnnkit.explorer.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

import org.osgi.service.component.annotations.Component;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The pages: a fixed list of files from the bundle's {@code web/} folder. A path not in the
 * list is a 404 page, so no other file (of the bundle or the disk) can be reached, whatever
 * the path says ("..", encoded or not).
 */
@Component(service = Servlet.class, property = {
    "osgi.http.whiteboard.servlet.pattern=/",
    "osgi.http.whiteboard.servlet.name=cnnkit-explorer-pages"})
public final class StaticServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Map<String, String> FILES = Map.of(
            "/", "index.html",
            "/index.html", "index.html",
            "/app.js", "app.js",
            "/app.css", "app.css",
            "/samples/astronaut.png", "astronaut.png",
            "/samples/NOTICE.txt", "astronaut-NOTICE.txt");

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getRequestURI();
        String file = FILES.get(path);
        resp.setHeader("X-Content-Type-Options", "nosniff");
        if (file == null) {
            resp.setStatus(404);
            resp.setContentType("text/html");
            resp.setCharacterEncoding("UTF-8");
            resp.getWriter().write("<!doctype html><title>Not found</title><h1>404: no such page</h1>"
                    + "<p>The explorer serves its own pages only. <a href=\"/\">Open the explorer</a>.</p>");
            return;
        }
        resp.setContentType(type(file));
        resp.setCharacterEncoding("UTF-8");
        resp.setHeader("Cache-Control", "no-cache");
        try (InputStream in = StaticServlet.class.getResourceAsStream("/web/" + file)) {
            in.transferTo(resp.getOutputStream());
        }
    }

    private static String type(String file) {
        if (file.endsWith(".html")) {
            return "text/html";
        } else if (file.endsWith(".js")) {
            return "text/javascript";
        } else if (file.endsWith(".css")) {
            return "text/css";
        } else if (file.endsWith(".png")) {
            return "image/png";
        }
        return "text/plain";
    }
}
