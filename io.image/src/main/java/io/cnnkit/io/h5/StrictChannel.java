package io.cnnkit.io.h5;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
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
 */
final class StrictChannel extends FileChannel {
    private final FileChannel in;
    private final long size;

    private StrictChannel(FileChannel in) throws IOException {
        this.in = in;
        this.size = in.size();
    }

    static StrictChannel open(Path file) throws IOException {
        return new StrictChannel(FileChannel.open(file, StandardOpenOption.READ));
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        if (position < 0 || position + dst.remaining() > size) {
            throw new IOException("a structure of " + dst.remaining() + " bytes at offset " + position
                    + " runs past the end of the file (" + size + " bytes): truncated or corrupt");
        }
        return in.read(dst, position);
    }

    /** jHDF's channel adapter reads at {@link #position()}: the same check. */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        long position = in.position();
        if (position + dst.remaining() > size) {
            throw new IOException("a structure of " + dst.remaining() + " bytes at offset " + position
                    + " runs past the end of the file (" + size + " bytes): truncated or corrupt");
        }
        return in.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return in.read(dsts, offset, length);
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
    public long position() throws IOException {
        return in.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        in.position(newPosition);
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
