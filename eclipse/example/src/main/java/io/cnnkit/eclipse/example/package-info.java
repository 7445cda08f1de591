/**
 * The sample plug-in's service: {@link io.cnnkit.eclipse.example.Walkthrough}, the
 * walkthrough's seed model run once on a small input by a DS component that uses the cnnkit
 * {@link io.cnnkit.engine.api.Engine} service, as an Eclipse plug-in would.
 */
@Export
@Version("1.0.0")
package io.cnnkit.eclipse.example;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
