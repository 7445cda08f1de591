package io.cnnkit.explorer.internal;

import java.util.LinkedHashMap;
import java.util.Map;

import io.cnnkit.engine.api.Stage;
import io.cnnkit.engine.api.Tensor;

/** The numbers of one channel of a node (or its whole vector): what the page shows under the pointer. */
final class Values {
    private Values() {
    }

    static Map<String, Object> of(RunData run, int node, int channel) {
        Stage s = run.stage(node);
        Tensor t = s.output();
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("node", s.name());
        o.put("channel", channel);
        if (t.rank() == 4) {
            if (channel < 0 || channel >= t.dim(3)) {
                throw HttpError.notFound("node " + s.name() + " has no channel " + channel + " (it has 0.." + (t.dim(3) - 1)
                        + ")", "channels are numbered from 0");
            }
            o.put("height", t.dim(1));
            o.put("width", t.dim(2));
            o.put("values", Runner.channel(t, channel).toArray());
        } else {
            o.put("height", 1);
            o.put("width", t.size());
            o.put("values", t.toArray());
        }
        return o;
    }
}
