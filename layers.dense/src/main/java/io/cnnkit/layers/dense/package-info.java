/**
 * Flatten, dense, dropout, batch normalization, PReLU and activation layer providers, the shape
 * layers reshape, permute and repeat_vector, and the preprocessing and normalisation layers
 * rescaling, normalization, layer_normalization, group_normalization and instance_normalization
 * (private package).
 */
package io.cnnkit.layers.dense;
