package io.cnnkit.engine.impl;

import java.util.List;
import java.util.Set;

import io.cnnkit.engine.api.LayerInfo;
import io.cnnkit.engine.api.PlanOptimisation;

/**
 * Everything a model handle knows at one moment, swapped as a whole so that a reader never
 * sees a snapshot with another build's layer list or availability.
 *
 * @param snapshot     what runs now; null while unavailable or closed
 * @param infos        the layers as of the last successful build
 * @param outputs      the output node names as of the last successful build
 * @param warnings     what the last successful build noticed
 * @param optimisation what the last successful build's optimised plan changed
 * @param dependencies services the model uses ("layer type conv2d", "activation relu")
 * @param unavailable  why runs cannot start, or null
 * @param missing      the services whose absence makes it unavailable
 * @param unsetWeights the first weight still holding NaN from an unreproducible initializer, or null
 * @param closed       whether the model was closed
 */
record ModelState(Snapshot snapshot, List<LayerInfo> infos, List<String> outputs, List<String> warnings,
        PlanOptimisation optimisation, Set<String> dependencies, String unavailable, Set<String> missing,
        String unsetWeights, boolean closed) {

    static ModelState built(Snapshot s, String unsetWeights) {
        return new ModelState(s, s.infos(), s.plan().outputNames(), s.plan().warnings(), s.optimised().report(),
                s.dependencies(), null, Set.of(), unsetWeights, false);
    }

    ModelState unavailable(String reason, Set<String> missingDeps, Set<String> deps) {
        return new ModelState(null, infos, outputs, warnings, optimisation, deps == null ? dependencies : deps, reason,
                Set.copyOf(missingDeps), unsetWeights, closed);
    }

    ModelState closedState() {
        return new ModelState(null, infos, outputs, warnings, optimisation, dependencies, "closed", Set.of(),
                unsetWeights, true);
    }
}
