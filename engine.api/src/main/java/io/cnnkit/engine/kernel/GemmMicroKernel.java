package io.cnnkit.engine.kernel;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The inner block of a matrix product, as conv2d (im2col rows x kernel) and dense (batch rows x
 * kernel) drive it: adds one K-slice of products into a micro-tile of up to {@link #ROWS} rows
 * by {@code nw} columns, keeping the sums in registers.
 */
@ConsumerType
public interface GemmMicroKernel {
    /** Rows per micro-tile. */
    int ROWS = 4;

    /**
     * For r &lt; rows and j in [0, nw): {@code y[yOff[r] + yCol + j] += a[aOff[r] + k] * b[bOff + k*ldb + j]}
     * for k = 0..kLen-1 in order, as one chain per output started from the stored value, or from
     * +0 when {@code first} (the stored value is then never read). When {@code bias} is not null
     * (the K-slice is the last one) {@code bias[biasOff + j]} is added after the chain, before the
     * store. {@code aOff} and {@code yOff} have {@link #ROWS} entries; rows r &gt;= rows repeat row
     * rows-1 (the driver fills them so) and are not stored. The order of the chain is fixed, so
     * results do not depend on how the driver splits the work.
     */
    void tile(float[] a, int[] aOff, int kLen, float[] b, int bOff, int ldb, float[] y, int[] yOff, int yCol, int nw,
            int rows, boolean first, float[] bias, int biasOff);
}
