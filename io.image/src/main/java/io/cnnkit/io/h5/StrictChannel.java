package io.cnnkit.io.h5;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A read-only file channel that refuses positional reads running past the end of the file.
 * jHDF 0.13 reads a structure of a declared size with {@code read(buffer, address)} in a loop
 * that never advances the address: a damaged header declaring 200 MB where 100 bytes remain
 * re-reads those 100 bytes two million times (a fuzzing finding that looked like a hang).
 * Refusing the read up front turns that into an immediate error naming the sizes.
 *
 * <p>Reads come from the file mapped into memory, with the position kept here: jHDF's adapter
 * turns each positional read into five system calls (the position saved, set and restored,
 * then a read), 13,000 of them for a small MobileNet's file, which cost a one-shot run about
 * 10 ms. The file is mapped in regions of at most 1 GB (a mapping holds under 2 GB).
 */
final class StrictChannel extends FileChannel {
    /** log2 of the mapped regions' size: 1 GB. */
    static final int REGION_BITS = 30;
    private final int regionBits;
    private final FileChannel in;
    private final long size;
    private final MappedByteBuffer[] regions;
    private long position;

    private StrictChannel(FileChannel in, int regionBits) throws IOException {
        this.in = in;
        this.size = in.size();
        this.regionBits = regionBits;
        long region = 1L << regionBits;
        this.regions = new MappedByteBuffer[(int) ((size + region - 1) >>> regionBits)];
        for (int r = 0; r < regions.length; r++) {
            long at = (long) r << regionBits;
            regions[r] = in.map(MapMode.READ_ONLY, at, Math.min(region, size - at));
        }
    }

    static StrictChannel open(Path file) throws IOException {
        return open(file, REGION_BITS);
    }

    /** As {@link #open(Path)} with regions of 2^regionBits bytes (tests read across small ones). */
    static StrictChannel open(Path file, int regionBits) throws IOException {
        FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
        try {
            return new StrictChannel(in, regionBits);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        if (!isOpen()) {
            throw new ClosedChannelException(); // the mapping outlives the channel: refuse as a file channel does
        }
        if (position < 0 || position + dst.remaining() > size) {
            throw new IOException("a structure of " + dst.remaining() + " bytes at offset " + position
                    + " runs past the end of the file (" + size + " bytes): truncated or corrupt");
        }
        int n = dst.remaining();
        try {
            for (long at = position, end = position + n; at < end;) {
                MappedByteBuffer r = regions[(int) (at >>> regionBits)];
                int from = (int) (at & ((1L << regionBits) - 1));
                int k = (int) Math.min(end - at, r.capacity() - from);
                dst.put(r.slice(from, k));
                at += k;
            }
        } catch (InternalError e) { // the JVM's report of a fault in mapped memory: the file shrank meanwhile
            throw new IOException("the file changed while it was read (" + e.getMessage() + ")", e);
        }
        return n;
    }

    /** jHDF's channel adapter reads at {@link #position()}: the same check. */
    @Override
    public synchronized int read(ByteBuffer dst) throws IOException {
        int n = read(dst, position);
        position += n;
        return n;
    }

    @Override
    public synchronized long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        long n = 0;
        for (int i = offset; i < offset + length; i++) {
            n += read(dsts[i]);
        }
        return n;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        throw new IOException("read-only");
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        throw new IOException("read-only");
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        throw new IOException("read-only");
    }

    @Override
    public synchronized long position() {
        return position;
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        if (newPosition < 0) {
            throw new IllegalArgumentException("negative position " + newPosition);
        }
        synchronized (this) {
            position = newPosition;
        }
        return this;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public FileChannel truncate(long s) throws IOException {
        throw new IOException("read-only");
    }

    @Override
    public void force(boolean metaData) throws IOException {
        in.force(metaData);
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        return in.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        throw new IOException("read-only");
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long s) throws IOException {
        if (position < 0 || s < 0 || position + s > size) {
            throw new IOException("a structure of " + s + " bytes at offset " + position
                    + " runs past the end of the file (" + size + " bytes): truncated or corrupt");
        }
        return in.map(mode, position, s);
    }

    @Override
    public FileLock lock(long position, long s, boolean shared) throws IOException {
        return in.lock(position, s, shared);
    }

    @Override
    public FileLock tryLock(long position, long s, boolean shared) throws IOException {
        return in.tryLock(position, s, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        in.close();
    }
}
