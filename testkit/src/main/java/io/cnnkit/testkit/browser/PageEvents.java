package io.cnnkit.testkit.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * What the page reports on its own: console errors, uncaught exceptions, a crash, and dialogs.
 * Runs on the WebSocket's receiving thread, so it never waits for an answer there.
 */
final class PageEvents implements Consumer<CdpConnection.Event> {
    private final CdpConnection cdp;
    private final String session;
    final List<String> errors = new CopyOnWriteArrayList<>();
    final List<String> dialogs = new CopyOnWriteArrayList<>();

    PageEvents(CdpConnection cdp, String session) {
        this.cdp = cdp;
        this.session = session;
    }

    @Override
    public void accept(CdpConnection.Event event) {
        if (!session.equals(event.sessionId())) {
            return;
        }
        switch (event.method()) {
            case "Runtime.consoleAPICalled" -> {
                String type = event.params().path("type").asText();
                if (type.equals("error") || type.equals("assert")) {
                    errors.add("console." + type + ": " + ConsoleText.of(event.params()));
                }
            }
            case "Runtime.exceptionThrown" ->
                    errors.add("uncaught: " + ConsoleText.ofException(event.params().path("exceptionDetails")));
            case "Inspector.targetCrashed" -> errors.add("the page crashed");
            case "Page.javascriptDialogOpening" -> answerDialog(event.params());
            default -> {
            }
        }
    }

    /**
     * An open alert/confirm/prompt blocks the page and every evaluate after it, so it is accepted
     * at once (a prompt with its default text) and recorded; the answer goes out from another thread.
     */
    private void answerDialog(JsonNode dialog) {
        dialogs.add(dialog.path("type").asText() + ": " + dialog.path("message").asText());
        ObjectNode accept = CdpConnection.JSON.createObjectNode().put("accept", true)
                .put("promptText", dialog.path("defaultPrompt").asText(""));
        CompletableFuture.runAsync(() -> cdp.sendAsync(session, "Page.handleJavaScriptDialog", accept));
    }
}
