/**
 * The kernel SPI: compute kernels that a backend bundle (the Vector API one) offers to the layer
 * bundles. A backend registers one {@link io.cnnkit.engine.kernel.KernelBackend} service with a
 * {@code service.ranking}; conv2d, depthwise, separable and dense providers bind the
 * highest-ranked one present (their own scalar kernels when there is none), so a backend that
 * comes, goes or is updated re-registers those providers and the engine rebuilds the models
 * that use them, as for any plug-in. On a plain class path
 * {@link io.cnnkit.engine.kernel.KernelBackends#fromServiceLoader} finds backends in
 * META-INF/services.
 *
 * <p>The contracts are micro-kernels: the drivers (blocking, packing, work split over the
 * fork-join scheduler) stay in the layer bundles, so every backend gets the same deterministic
 * work split, and a backend only implements arithmetic on arrays.
 *
 * <p>1.1: {@link io.cnnkit.engine.kernel.GemmMicroKernel#tileRows} (more rows, fused clamp)
 * with defaults, so 1.0 backends keep working; {@link io.cnnkit.engine.kernel.ClampActivation}.
 * <p>1.2: {@link io.cnnkit.engine.kernel.DepthwiseMicroKernel#row} (a row of pixels per call,
 * fused clamp) with a default on {@code pixel}, so 1.0 and 1.1 backends keep working.
 * <p>1.3: {@link io.cnnkit.engine.kernel.GemmMicroKernel#blockRows(int)} (taller tiles for narrow
 * filter blocks) with a default of {@code blockRows()}.
 * <p>1.4: {@link io.cnnkit.engine.kernel.GemmMicroKernel#tileRowsSegmented} (a convolution's kernel
 * rows read in place in one call) with a default of one {@code tileRows} call per kernel row.
 * <p>1.5: {@link io.cnnkit.engine.kernel.GemmMicroKernel#convRowTile} (a 3-tap-wide convolution's
 * output row straight from its padded input row, each input value loaded once for three taps),
 * offered through {@code convRowPixels} and {@code convRowChannels}, whose defaults (0) keep 1.4
 * backends on {@code tileRows}.
 * <p>1.6: {@link io.cnnkit.engine.kernel.GemmMicroKernel#convRowTileSegmented} (a convolution's
 * kernel rows in one {@code convRowTile} call, the sums kept in registers) with a default of one
 * {@code convRowTile} call per segment; {@link io.cnnkit.engine.kernel.GemmMicroKernel#planarTerms}
 * (the few-filter convolution's sums over input planes, without fused multiply-adds) with a
 * plain loop as the default.
 * <p>1.7: {@link io.cnnkit.engine.kernel.GemmMicroKernel#convPairTile} (a convolution with few
 * filters, two output pixels' sums in one vector: MobileNet's 8-filter first layer at AVX-512),
 * offered through {@code convPairPixels}, whose default (0) keeps 1.6 backends on the paths before.
 * <p>1.8: Winograd F(2x2, 3x3) for 3x3 convolutions at stride 1:
 * {@link io.cnnkit.engine.kernel.GemmMicroKernel#winogradInput} and
 * {@link io.cnnkit.engine.kernel.GemmMicroKernel#winogradOutput} (plain loops as defaults),
 * offered through {@code winograd()}, whose default (false) keeps 1.7 backends on the direct tiles.
 */
@Export
@Version("1.8.0")
package io.cnnkit.engine.kernel;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
