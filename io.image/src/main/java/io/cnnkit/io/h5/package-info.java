/**
 * Keras HDF5 weight files through jHDF (pure Java): the reader for every layout Keras has
 * written (1.x to 3.x), the matcher that loads by name or by order, and the atomic writer of
 * the Keras 2 {@code save_weights} layout. Private to the bundle; the API is
 * {@link io.cnnkit.io.api.KerasWeights}.
 */
package io.cnnkit.io.h5;
