package io.cnnkit.engine.kernel;

import java.util.Optional;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A set of compute kernels offered to the layer bundles (see the package comment). In OSGi a
 * backend is a service of this type with {@code service.ranking} = {@link #ranking()} and
 * {@value #NAME} = {@link #name()}; a backend that cannot run on this JVM registers nothing.
 * Contracts are those of the micro-kernel interfaces; a backend that does not speed one up
 * returns null for it and the layer keeps its own scalar kernel.
 */
@ConsumerType
public interface KernelBackend {
    /** Service property with the backend's {@link #name()}, e.g. {@code vector512}. */
    String NAME = "cnnkit.kernel.backend";

    /** Short name for logs, summaries and tests, e.g. {@code vector512}. */
    String name();

    /** Preference among backends (higher wins): the service.ranking in OSGi. */
    int ranking();

    /** Why this backend cannot run on this JVM, or empty when it can. */
    default Optional<String> unavailableReason() {
        return Optional.empty();
    }

    /** The GEMM micro-kernel (conv2d, pointwise convolution, dense), or null. */
    GemmMicroKernel gemm();

    /** The depthwise micro-kernel (depthwise and separable convolution), or null. */
    DepthwiseMicroKernel depthwise();
}
