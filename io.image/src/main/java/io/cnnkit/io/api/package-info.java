/**
 * cnnkit file io: images to tensors ({@link io.cnnkit.io.api.Images}), stage outputs to
 * pictures, .npy files and an HTML report ({@link io.cnnkit.io.api.Reports},
 * {@link io.cnnkit.io.api.Npy}), and Keras HDF5 weights by layer name
 * ({@link io.cnnkit.io.api.KerasWeights}).
 */
@Export
@Version("1.2.0")
package io.cnnkit.io.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
