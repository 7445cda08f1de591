package io.cnnkit.engine.api;

import java.util.List;

/**
 * Keras's {@code model.summary()}: one row per layer and the parameter totals.
 */
public record Summary(String model, List<Row> rows, long totalParams, long trainableParams) {
    /** One layer: name, type, output shape (Keras notation), parameter count. */
    public record Row(String name, String type, Shape outputShape, long params) {
    }

    public long nonTrainableParams() {
        return totalParams - trainableParams;
    }

    /** The table as Keras prints it (with thousands separators). */
    public String format() {
        int wName = "Layer (type)".length();
        int wShape = "Output Shape".length();
        for (Row r : rows) {
            wName = Math.max(wName, r.name().length() + r.type().length() + 3);
            wShape = Math.max(wShape, r.outputShape().toString().length());
        }
        wName += 2;
        wShape += 2;
        String rule = "=".repeat(wName + wShape + 12);
        StringBuilder b = new StringBuilder();
        b.append("Model: \"").append(model).append("\"\n");
        b.append(rule).append('\n');
        b.append(pad("Layer (type)", wName)).append(pad("Output Shape", wShape)).append("Param #\n");
        b.append(rule).append('\n');
        for (Row r : rows) {
            b.append(pad(r.name() + " (" + r.type() + ")", wName)).append(pad(r.outputShape().toString(), wShape))
                    .append(String.format("%,d", r.params())).append('\n');
        }
        b.append(rule).append('\n');
        b.append(String.format("Total params: %,d%n", totalParams));
        b.append(String.format("Trainable params: %,d%n", trainableParams));
        b.append(String.format("Non-trainable params: %,d%n", nonTrainableParams()));
        return b.toString();
    }

    private static String pad(String s, int w) {
        return s.length() >= w ? s + " " : s + " ".repeat(w - s.length());
    }
}
