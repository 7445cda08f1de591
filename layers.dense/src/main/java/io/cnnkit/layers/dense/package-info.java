/** Flatten, dense, dropout, batch normalization, PReLU and activation layer providers (private package). */
package io.cnnkit.layers.dense;
