package io.cnnkit.explorer.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Against DNS rebinding: a page of another site whose name is made to resolve to 127.0.0.1
 * could otherwise call the explorer from the user's browser. When the server listens on
 * loopback, a request whose Host is not localhost, 127.0.0.1 or [::1] (any port) gets a 403
 * JSON error, for the pages and the API alike.
 */
@Component(service = Filter.class, property = {
    "osgi.http.whiteboard.filter.pattern=/*",
    "osgi.http.whiteboard.filter.name=cnnkit-explorer-host-check"})
public final class HostCheck implements Filter {
    private static final Pattern LOOPBACK_HOST = Pattern.compile("(localhost|127\\.0\\.0\\.1|\\[::1\\])(:\\d{1,5})?");
    /** Felix HTTP's listen address, which ./cnnkit serve --bind sets; null when not set. */
    private final String bind;
    private final ObjectMapper json = new ObjectMapper();

    @Activate
    public HostCheck(BundleContext context) {
        this.bind = context.getProperty("org.apache.felix.http.host");
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        String host = req.getHeader("Host");
        if (host != null && onLoopback(req) && !LOOPBACK_HOST.matcher(host.strip().toLowerCase(Locale.ROOT)).matches()) {
            HttpServletResponse resp = (HttpServletResponse) response;
            resp.setStatus(403);
            resp.setContentType("application/json");
            resp.setCharacterEncoding("UTF-8");
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("status", 403);
            e.put("error", "the Host header '" + Uploads.printable(host) + "' is not this machine's loopback name");
            e.put("hint", "open the explorer at http://127.0.0.1:PORT/ or http://localhost:PORT/; to reach it by"
                    + " another name, start it with ./cnnkit serve --bind ADDR");
            resp.getOutputStream().write(json.writeValueAsBytes(e));
            return;
        }
        chain.doFilter(request, response);
    }

    private boolean onLoopback(HttpServletRequest req) {
        String address = bind != null && !bind.isBlank() ? bind : req.getLocalAddr();
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
