package io.cnnkit.engine.api;

import java.util.List;

/**
 * Keras's {@code model.summary()}: one row per layer and the parameter totals. A graph
 * model's summary is Keras's Functional one: the input node first, and a "Connected to"
 * column naming each layer's inputs.
 */
public record Summary(String model, List<Row> rows, long totalParams, long trainableParams, boolean graph,
        List<String> notes) {
    public Summary {
        notes = List.copyOf(notes);
    }

    /** A summary without notes. */
    public Summary(String model, List<Row> rows, long totalParams, long trainableParams, boolean graph) {
        this(model, rows, totalParams, trainableParams, graph, List.of());
    }

    /** One node: name, type, output shape (Keras notation), parameter count, the nodes it reads. */
    public record Row(String name, String type, Shape outputShape, long params, List<String> connectedTo) {
        public Row {
            connectedTo = List.copyOf(connectedTo);
        }

        public Row(String name, String type, Shape outputShape, long params) {
            this(name, type, outputShape, params, List.of());
        }
    }

    /** A chain's summary. */
    public Summary(String model, List<Row> rows, long totalParams, long trainableParams) {
        this(model, rows, totalParams, trainableParams, false);
    }

    public long nonTrainableParams() {
        return totalParams - trainableParams;
    }

    /**
     * The table as Keras prints it, with its thousands separators: commas whatever the locale, as
     * Python's {@code f"{n:,}"} writes them (String.format's {@code %,d} followed the default
     * locale, and was most of formatting a 90-row table in a one-shot command).
     */
    public String format() {
        int wName = "Layer (type)".length();
        int wShape = "Output Shape".length();
        int wParams = "Param #".length();
        for (Row r : rows) {
            wName = Math.max(wName, r.name().length() + r.type().length() + 3);
            wShape = Math.max(wShape, r.outputShape().toString().length());
            wParams = Math.max(wParams, formatCount(r.params()).length());
        }
        wName += 2;
        wShape += 2;
        wParams += 2;
        int wConnected = 0;
        if (graph) {
            wConnected = "Connected to".length();
            for (Row r : rows) {
                wConnected = Math.max(wConnected, connected(r).length());
            }
        }
        String rule = "=".repeat(wName + wShape + (graph ? wParams + wConnected : 12));
        StringBuilder b = new StringBuilder();
        b.append("Model: \"").append(model).append("\"\n");
        b.append(rule).append('\n');
        b.append(pad("Layer (type)", wName)).append(pad("Output Shape", wShape));
        b.append(graph ? pad("Param #", wParams) + "Connected to\n" : "Param #\n");
        b.append(rule).append('\n');
        for (Row r : rows) {
            b.append(pad(r.name() + " (" + r.type() + ")", wName)).append(pad(r.outputShape().toString(), wShape));
            String params = formatCount(r.params());
            b.append(graph ? (pad(params, wParams) + connected(r)).stripTrailing() : params);
            b.append('\n');
        }
        b.append(rule).append('\n');
        b.append("Total params: ").append(formatCount(totalParams)).append('\n');
        b.append("Trainable params: ").append(formatCount(trainableParams)).append('\n');
        b.append("Non-trainable params: ").append(formatCount(nonTrainableParams())).append('\n');
        for (String n : notes) {
            b.append("Note: ").append(n).append('\n');
        }
        return b.toString();
    }

    /**
     * A count as Keras prints it: a comma between each group of three digits from the right,
     * whatever the locale ({@code 1,234,567}). The summary's counts; a report's too.
     */
    public static String formatCount(long n) {
        StringBuilder b = new StringBuilder(Long.toString(n));
        int firstDigit = n < 0 ? 1 : 0;
        for (int at = b.length() - 3; at > firstDigit; at -= 3) {
            b.insert(at, ',');
        }
        return b.toString();
    }

    private static String connected(Row r) {
        return String.join(", ", r.connectedTo());
    }

    private static String pad(String s, int w) {
        return s.length() >= w ? s + " " : s + " ".repeat(w - s.length());
    }
}
