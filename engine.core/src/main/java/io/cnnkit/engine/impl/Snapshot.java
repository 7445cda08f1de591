package io.cnnkit.engine.impl;

import java.util.List;
import java.util.Set;

import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.LayerInfo;

/**
 * An immutable built model: the layers a run uses from start to end, and the services
 * ({@code "layer type conv2d"}, {@code "activation relu"}) it depends on.
 */
record Snapshot(List<Layer> layers, List<LayerInfo> infos, Set<String> dependencies) {
}
