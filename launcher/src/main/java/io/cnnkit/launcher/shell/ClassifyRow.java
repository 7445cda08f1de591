package io.cnnkit.launcher.shell;

import java.util.List;

import io.cnnkit.io.api.TopClasses;

/**
 * One image's row of a classify run: its path and either its top classes, its features
 * ({@code --features}) or the error that stopped it.
 *
 * @param path     as listed (as given, or found under a given folder)
 * @param top      best first; empty for a features or error row
 * @param features the layer's output flattened, or null
 * @param error    why the image failed (one line), or null
 */
public record ClassifyRow(String path, List<TopClasses.Ranked> top, float[] features, String error) {
    public ClassifyRow {
        top = List.copyOf(top);
    }

    public static ClassifyRow failed(String path, String error) {
        return new ClassifyRow(path, List.of(), null, error.replace('\n', ' ').replace('\r', ' '));
    }
}
