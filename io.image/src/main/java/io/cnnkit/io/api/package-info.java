/**
 * cnnkit file io: images to tensors ({@link io.cnnkit.io.api.Images}), stage outputs to
 * pictures, .npy files and an HTML report ({@link io.cnnkit.io.api.Reports},
 * {@link io.cnnkit.io.api.Npy}), and Keras HDF5 weights by layer name
 * ({@link io.cnnkit.io.api.KerasWeights}). 1.2: a report lists the top classes of the model's
 * outputs ({@link io.cnnkit.io.api.TopClasses}). 1.3: images read from bytes in memory
 * ({@link io.cnnkit.io.api.Images#read(byte[], String, ImageOptions)}). 1.5: numbers as the
 * formatter writes them, without it ({@link io.cnnkit.io.api.NumberText}).
 */
@Export
@Version("1.5.0")
package io.cnnkit.io.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
