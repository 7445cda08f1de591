/**
 * The cnnkit API: tensors, the layer and activation service interfaces that plug-in
 * bundles implement, model descriptions, and the {@link io.cnnkit.engine.api.Engine}
 * service that builds and runs models.
 */
@Export
@Version("1.3.0")
package io.cnnkit.engine.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
