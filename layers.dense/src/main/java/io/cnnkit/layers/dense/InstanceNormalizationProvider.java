package io.cnnkit.layers.dense;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

import io.cnnkit.engine.api.BuildContext;
import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.LayerType;
import io.cnnkit.engine.api.Shape;

/**
 * instance_normalization: tensorflow_addons InstanceNormalization
 * ({@code Addons>InstanceNormalization}), which is its GroupNormalization with one group per
 * channel: per sample and channel, mean and biased variance over every other axis, then
 * {@code y = (x - mean) / sqrt(variance + epsilon) * gamma[c] + beta[c]}. axis (default -1),
 * epsilon (1e-3), center, scale; gamma and beta of shape (C,).
 *
 * <p>keras-contrib's InstanceNormalization has the same class name but another formula
 * ({@code (x - mean) / (std + epsilon)}, and by default one statistic over all axes); its
 * configs have no {@code groups}, and are refused rather than computed the addons way.
 */
@Component(service = LayerProvider.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@LayerType(layer_type = "instance_normalization", keras_class = {"InstanceNormalization",
    "Addons>InstanceNormalization"})
public class InstanceNormalizationProvider implements LayerProvider {
    static final Set<String> PARAMETERS = Set.of("axis", "epsilon", "center", "scale", "beta_initializer",
            "gamma_initializer");

    @Override
    public Set<String> parameters() {
        return PARAMETERS;
    }

    /**
     * tensorflow_addons overwrites groups with -1 (one per channel), so a saved groups (-1 or C)
     * is dropped. A config without groups is keras-contrib's layer: refused. addons'
     * instance-norm path reduces over the wrong axis for a negative axis other than -1 (it pops
     * axis - 1 from the reduction list); such configs are refused too.
     */
    @Override
    public Map<String, Object> fromKeras(String kerasClass, Map<String, Object> config) {
        if (!config.containsKey("groups")) {
            throw new IllegalArgumentException("this " + kerasClass + " config has no 'groups': it looks like "
                    + "keras-contrib's InstanceNormalization, which divides by (std + epsilon) and by default "
                    + "normalises over all axes; only tensorflow_addons' (Addons>InstanceNormalization) is supported");
        }
        Object axis = config.get("axis");
        if (axis instanceof Number n && n.intValue() < -1) {
            throw new IllegalArgumentException("axis " + n + " is refused: with a negative axis other than -1, "
                    + "tensorflow_addons' InstanceNormalization takes its statistics over another axis than the "
                    + "channels it scales, and cnnkit does not reproduce that");
        }
        Map<String, Object> out = new LinkedHashMap<>(LayerProvider.super.fromKeras(kerasClass, config));
        out.values().removeIf(java.util.Objects::isNull);
        return out;
    }

    @Override
    public Layer create(LayerSpec spec, Shape inputShape, BuildContext context) {
        return new GroupNormalizationProvider.GroupNorm(spec,
                GroupNormalizationProvider.Config.of(spec, inputShape, -1), inputShape, context);
    }
}
