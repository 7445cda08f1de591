/**
 * The cnnkit API: tensors, the layer and activation service interfaces that plug-in
 * bundles implement, model descriptions, and the {@link io.cnnkit.engine.api.Engine}
 * service that builds and runs models.
 *
 * <p>1.4: a plug-in declares its layer type and Keras classes once, with
 * {@link io.cnnkit.engine.api.LayerType} (an activation its name with
 * {@link io.cnnkit.engine.api.ActivationName}); both now have runtime retention, and
 * {@link io.cnnkit.engine.api.LayerProvider#type()}, {@link io.cnnkit.engine.api.LayerProvider#kerasClasses()}
 * and {@link io.cnnkit.engine.api.Activation#name()} are default methods that read them, so
 * providers no longer override them (existing overrides keep working; one that disagrees
 * with the annotation is an error at registration). The engine takes the values from the
 * service properties in OSGi. bnd writes META-INF/services from the annotations.
 *
 * <p>1.5: optional capabilities a layer may offer so that the engine can run an optimised plan
 * for predict (trace runs every layer as built): {@link io.cnnkit.engine.api.InferenceIdentity}
 * (dropped), {@link io.cnnkit.engine.api.ChannelAffineLayer} folded into an
 * {@link io.cnnkit.engine.api.AffineFoldable} layer's weights, and
 * {@link io.cnnkit.engine.api.ActivationFunctionLayer} moved into an
 * {@link io.cnnkit.engine.api.ActivationFusable} layer's kernel. Plug-ins that implement none are
 * run as before.
 *
 * <p>1.6: {@link io.cnnkit.engine.api.DidYouMean} takes aliases (Keras class names) and gives a
 * message's whole tail ({@code suggestion}: the near miss, a short list, or a count); names are
 * compared without case, '_' and '-'. {@link io.cnnkit.engine.api.LayerSpec#checkKnown} and
 * {@link io.cnnkit.engine.api.Initializers} use it: an unknown parameter or initializer names the
 * closest one instead of listing every name.
 * <p>1.7: {@link io.cnnkit.engine.api.Walkthrough}, the walkthrough's seed and kernel models, shared
 * by the demo, the filter command and the explorer.
 * <p>1.8: {@link io.cnnkit.engine.api.ResidualSum} and {@link io.cnnkit.engine.api.ResidualFusable}:
 * a residual Add moved into the kernel of the conv that computes one of its inputs.
 * <p>1.9: {@link io.cnnkit.engine.api.BuildRandom}, the random source of a layer build, which knows
 * the values the build already has for the layer's weights: {@link io.cnnkit.engine.api.WeightSet#add}
 * copies them instead of drawing initial values, and in a model's first build leaves the random
 * draws for the model's first use (a model whose weights are loaded first never draws them).
 * <p>1.10: {@link io.cnnkit.engine.api.Summary#formatCount}, a count as Keras prints it (commas
 * whatever the locale), which the summary itself now uses.
 */
@Export
@Version("1.10.0")
package io.cnnkit.engine.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
