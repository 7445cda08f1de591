package io.cnnkit.io.h5;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.channels.FileChannel;

import io.jhdf.Superblock;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableNode;
import io.jhdf.storage.HdfFileChannel;

/**
 * Finishes a jHDF 0.13.0 {@link WritableHdfFile} without its {@code close()}.
 *
 * <p>jHDF's flush writes the tree, then its "jHDF - version" info string at the channel's
 * current position, which is the end of the last dataset's data, not the end of the file: when
 * the last object in its (hash) order is a group, the string overwrites that group's object
 * header and the file is corrupt. This does the same flush (tree at the root address, then the
 * superblock with the end-of-file address) and leaves the info string out, which Keras files do
 * not have. It reaches jHDF's private fields, so io.image pins jHDF to 0.13.x (bnd.bnd), and
 * {@link WeightWriter} still re-reads every saved file before committing it.
 */
final class JhdfFlush {
    private JhdfFlush() {
    }

    /** Writes the file's content and closes its channel; the WritableHdfFile must not be closed afterwards. */
    static void flushAndClose(WritableHdfFile file) throws IOException {
        WritableNode root = (WritableNode) field(file, "rootGroup");
        HdfFileChannel channel = (HdfFileChannel) field(file, "hdfFileChannel");
        Superblock.SuperblockV2V3 superblock = (Superblock.SuperblockV2V3) field(file, "superblock");
        FileChannel fileChannel = (FileChannel) field(file, "fileChannel");
        try (fileChannel) {
            root.write(channel, WritableHdfFile.ROOT_GROUP_ADDRESS);
            channel.write(superblock.toBuffer(fileChannel.size()), 0L);
        }
    }

    private static Object field(WritableHdfFile file, String name) {
        try {
            Field f = WritableHdfFile.class.getDeclaredField(name);
            f.setAccessible(true);
            return f.get(file);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("this jHDF version does not have the internals cnnkit's HDF5 writer works"
                    + " around (WritableHdfFile." + name + "); cnnkit needs jHDF 0.13.x", e);
        }
    }
}
