package io.cnnkit.layers.merge;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

import io.cnnkit.engine.api.BuildContext;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.LayerType;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.MultiInputLayer;
import io.cnnkit.engine.api.MultiInputLayerProvider;
import io.cnnkit.engine.api.Shape;

/**
 * merge: Keras 1's Merge layer, mode sum | mul | ave | max (inputs of one shape: Keras 1 does not
 * broadcast) or concat along concat_axis (default -1). The modes cos and dot, and modes given
 * as Python functions, are refused. Runs on the kernels of add, multiply, average, maximum and
 * concatenate.
 */
@Component(service = LayerProvider.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@LayerType(layer_type = "merge", keras_class = {"Merge"})
public class MergeProvider implements MultiInputLayerProvider {
    static final Set<String> PARAMETERS = Set.of("mode", "concat_axis");
    static final String[] MODES = {"sum", "mul", "ave", "max", "concat"};

    @Override
    public List<String> positionalParameters() {
        return List.of("mode");
    }

    @Override
    public Set<String> parameters() {
        return PARAMETERS;
    }

    @Override
    public Map<String, Object> fromKeras(String kerasClass, Map<String, Object> config) {
        if (config.get("layers") instanceof List<?>) {
            throw new ModelException("a Keras 1 Merge of whole models (a 'layers' list in its config) is not "
                    + "supported; save the model with the functional API (merge of layer outputs)");
        }
        Object modeType = config.get("mode_type");
        if (modeType != null && !"raw".equals(modeType)) {
            throw new ModelException("the Merge mode is a Python function (mode_type '" + modeType + "'); cnnkit "
                    + "reads the named modes " + String.join(", ", MODES));
        }
        Map<String, Object> out = new LinkedHashMap<>(MergeSupport.fromKeras(config, PARAMETERS));
        if (out.get("mode") != null && !(out.get("mode") instanceof String)) {
            throw new ModelException("the Merge mode is not a name but " + LayerSpec.describe(out.get("mode"))
                    + "; cnnkit reads the named modes " + String.join(", ", MODES));
        }
        return out;
    }

    @Override
    public MultiInputLayer create(LayerSpec spec, List<Shape> inputShapes, BuildContext context) {
        String requested = spec.getString("mode", "sum");
        if (requested.equalsIgnoreCase("cos") || requested.equalsIgnoreCase("dot")) {
            throw spec.paramError("mode", "'" + requested + "' is not supported; merge takes "
                    + String.join(", ", MODES));
        }
        String mode = spec.getChoice("mode", "sum", MODES);
        if (spec.has("concat_axis") && !mode.equals("concat")) {
            spec.getInt("concat_axis", -1); // still a checked integer
        }
        MergeSupport.checkCount(spec, inputShapes, minInputs(), maxInputs());
        return switch (mode) {
            case "sum" -> new ElementwiseMerge(spec, type(), MergeOp.ADD, mode, inputShapes);
            case "mul" -> new ElementwiseMerge(spec, type(), MergeOp.MULTIPLY, mode, inputShapes);
            case "ave" -> new ElementwiseMerge(spec, type(), MergeOp.AVERAGE, mode, inputShapes);
            case "max" -> new ElementwiseMerge(spec, type(), MergeOp.MAXIMUM, mode, inputShapes);
            default -> new Concatenate(spec, type(), "concat_axis", spec.getInt("concat_axis", -1), inputShapes);
        };
    }
}
