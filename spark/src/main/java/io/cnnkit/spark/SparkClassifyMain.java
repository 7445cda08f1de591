package io.cnnkit.spark;

import java.util.List;

import io.cnnkit.engine.api.Engines;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.launcher.shell.Cli;
import io.cnnkit.launcher.shell.CnnCommands;

/**
 * {@code ./cnnkit classify ... --spark MASTER} and spark-submit's main class: the words of
 * {@code ./cnnkit classify} (read by the same definitions, so the same options, help and
 * errors), run on the plain class path with the rows computed by a Spark job. Exit status as
 * classify's: 0 every image classified, 3 some failed, 1 a model or file error, 2 a usage error.
 */
public final class SparkClassifyMain {
    private SparkClassifyMain() {
    }

    public static void main(String[] args) {
        boolean debug = Boolean.getBoolean("cnnkit.cli.debug");
        int code;
        try (StandaloneEngine engine = Engines.fromServiceLoader(SparkClassifyMain.class.getClassLoader());
                CnnCommands commands = new CnnCommands(engine, System.err)) {
            code = Cli.plain(commands, new SparkRunner(), System.out, System.err, debug).run(List.of(args));
        }
        System.exit(code);
    }
}
