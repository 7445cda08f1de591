/** Merge layer providers (private implementation package: reached only through LayerProvider services). */
package io.cnnkit.layers.merge;
