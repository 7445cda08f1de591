package io.cnnkit.testkit.browser;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/** One line of text for a console call or an exception, with where it happened. */
final class ConsoleText {
    private ConsoleText() {
    }

    /** Runtime.consoleAPICalled params: the arguments as the console shows them, then source:line. */
    static String of(JsonNode params) {
        List<String> parts = new ArrayList<>();
        for (JsonNode arg : params.path("args")) {
            parts.add(remote(arg));
        }
        return String.join(" ", parts) + where(params.path("stackTrace").path("callFrames").path(0));
    }

    /** Runtime.ExceptionDetails: the exception's description (message and stack) or the text. */
    static String ofException(JsonNode details) {
        JsonNode exception = details.path("exception");
        String text = exception.hasNonNull("description") ? exception.get("description").asText()
                : exception.has("value") ? exception.get("value").asText() : details.path("text").asText();
        String url = details.path("url").asText("");
        return text + (url.isEmpty() ? "" : " (" + url + ":" + (details.path("lineNumber").asInt() + 1) + ")");
    }

    private static String remote(JsonNode arg) {
        if (arg.has("value")) {
            return arg.get("value").isTextual() ? arg.get("value").asText() : arg.get("value").toString();
        }
        if (arg.hasNonNull("description")) {
            return arg.get("description").asText();
        }
        return arg.path("unserializableValue").asText(arg.path("type").asText());
    }

    private static String where(JsonNode frame) {
        if (frame.isMissingNode() || frame.path("url").asText("").isEmpty()) {
            return "";
        }
        return " (" + frame.path("url").asText() + ":" + (frame.path("lineNumber").asInt() + 1) + ")";
    }
}
