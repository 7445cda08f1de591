package io.cnnkit.testkit.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One WebSocket to Chromium's browser endpoint speaking the DevTools protocol: numbered commands
 * answered by id, and events handed to listeners. Page commands carry the page's flat session id,
 * so one socket serves the browser and the page.
 */
final class CdpConnection implements WebSocket.Listener {
    static final ObjectMapper JSON = new ObjectMapper();

    /** A protocol event: its method, the session it came from (null for the browser) and params. */
    record Event(String method, String sessionId, JsonNode params) {
    }

    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<Consumer<Event>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final StringBuilder partial = new StringBuilder();
    private final Supplier<String> diagnostics;
    private final WebSocket socket;
    private volatile String closedBecause;

    /** {@code diagnostics} describes the browser's state (its log tail) for error messages. */
    CdpConnection(URI endpoint, Duration timeout, Supplier<String> diagnostics) {
        this.diagnostics = diagnostics;
        try {
            this.socket = HttpClient.newHttpClient().newWebSocketBuilder()
                    .connectTimeout(timeout)
                    .buildAsync(endpoint, this)
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to Chromium at " + endpoint, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot open the DevTools WebSocket " + endpoint + ": " + e
                    + diagnostics.get(), e);
        }
    }

    void addListener(Consumer<Event> listener) {
        listeners.add(listener);
    }

    void removeListener(Consumer<Event> listener) {
        listeners.remove(listener);
    }

    /**
     * A future completed by the first event matching {@code method} (and {@code filter}); register it
     * before sending the command that causes the event, so the event cannot be missed.
     */
    CompletableFuture<Event> nextEvent(String method, Predicate<Event> filter) {
        CompletableFuture<Event> result = new CompletableFuture<>();
        Consumer<Event> listener = event -> {
            if (event.method().equals(method) && filter.test(event)) {
                result.complete(event);
            }
        };
        addListener(listener);
        result.whenComplete((event, error) -> removeListener(listener));
        return result;
    }

    /** Sends a command and waits for its result; a protocol error or a timeout throws, naming the command. */
    JsonNode send(String sessionId, String method, ObjectNode params, Duration timeout) {
        CompletableFuture<JsonNode> answer = sendAsync(sessionId, method, params);
        return await(answer, timeout, method);
    }

    CompletableFuture<JsonNode> sendAsync(String sessionId, String method, ObjectNode params) {
        int id = ids.incrementAndGet();
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", params == null ? JSON.createObjectNode() : params);
        if (sessionId != null) {
            message.put("sessionId", sessionId);
        }
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        String closed = closedBecause;
        if (closed != null) {
            answer.completeExceptionally(new IllegalStateException(closed));
            return answer;
        }
        pending.put(id, answer);
        try {
            synchronized (socket) {
                // java.net.http allows one outstanding send at a time
                socket.sendText(message.toString(), true).join();
            }
        } catch (CompletionException e) {
            pending.remove(id);
            throw new IllegalStateException("cannot send " + method + " to Chromium: " + e.getCause()
                    + diagnostics.get(), e.getCause());
        }
        return answer;
    }

    <T> T await(CompletableFuture<T> future, Duration timeout, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + what, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Chromium did not answer " + what + " within " + timeout.toMillis()
                    + " ms" + diagnostics.get(), e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new IllegalStateException(what + " failed: " + cause.getMessage(), cause);
        }
    }

    void close() {
        closedBecause = "the DevTools connection was closed";
        socket.abort();
        failPending(closedBecause);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String text = partial.toString();
            partial.setLength(0);
            dispatch(text);
        }
        webSocket.request(1);
        return null;
    }

    private void dispatch(String text) {
        JsonNode message;
        try {
            message = JSON.readTree(text);
        } catch (IOException e) {
            failPending("Chromium sent a message that is not JSON: " + e.getMessage());
            return;
        }
        if (message.has("id")) {
            CompletableFuture<JsonNode> answer = pending.remove(message.get("id").asInt());
            if (answer == null) {
                return;
            }
            JsonNode error = message.get("error");
            if (error != null) {
                answer.completeExceptionally(new IllegalStateException(
                        "Chromium answered: " + error.path("message").asText() + " " + error.path("data").asText("")));
            } else {
                answer.complete(message.path("result"));
            }
            return;
        }
        Event event = new Event(message.path("method").asText(),
                message.hasNonNull("sessionId") ? message.get("sessionId").asText() : null,
                message.path("params"));
        for (Consumer<Event> listener : listeners) {
            listener.accept(event);
        }
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closedBecause = "Chromium closed the DevTools connection (status " + statusCode
                + (reason.isBlank() ? "" : " " + reason) + "; did it crash or get killed?)";
        failPending(closedBecause + diagnostics.get());
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closedBecause = "the DevTools connection failed: " + error;
        failPending(closedBecause + diagnostics.get());
    }

    private void failPending(String why) {
        for (Integer id : List.copyOf(pending.keySet())) {
            CompletableFuture<JsonNode> answer = pending.remove(id);
            if (answer != null) {
                answer.completeExceptionally(new IllegalStateException(why));
            }
        }
    }
}
