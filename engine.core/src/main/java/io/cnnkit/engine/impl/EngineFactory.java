package io.cnnkit.engine.impl;

import io.cnnkit.engine.api.Engines;
import io.cnnkit.engine.api.StandaloneEngine;

/** The engine for {@link Engines#standalone()} on a plain classpath (found through ServiceLoader). */
public final class EngineFactory implements Engines.Factory {
    @Override
    public StandaloneEngine create(int parallelism) {
        return new EngineImpl(parallelism);
    }
}
