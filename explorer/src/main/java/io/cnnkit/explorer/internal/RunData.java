package io.cnnkit.explorer.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.cnnkit.engine.api.Stage;

/**
 * One traced run of a session: every node's output (kept for pictures, values under the
 * pointer and explanations), the JSON the API answered, and its folder of pictures.
 */
record RunData(String id, String model, List<Stage> stages, Map<String, Object> json, Path dir) {
    Stage stage(int index) {
        if (index < 0 || index >= stages.size()) {
            throw HttpError.notFound("run " + id + " has no node " + index + " (it has 0.." + (stages.size() - 1) + ")",
                    "node numbers are the 'index' of GET /api/runs/" + id);
        }
        return stages.get(index);
    }

    Stage stage(String name) {
        for (Stage s : stages) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        throw HttpError.notFound("run " + id + " has no node '" + Uploads.printable(name) + "'", "GET /api/runs/" + id
                + " lists its nodes");
    }

    /** The stage a node reads first: its recorded input, else the stage before it (a chain). */
    Stage inputOf(Stage s) {
        if (!s.inputs().isEmpty()) {
            return stage(s.inputs().get(0));
        }
        return stage(s.index() - 1);
    }
}
