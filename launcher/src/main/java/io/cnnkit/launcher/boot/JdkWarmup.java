package io.cnnkit.launcher.boot;

import java.lang.reflect.InvocationTargetException;
import java.net.URLConnection;
import java.util.TimeZone;
import java.util.regex.Pattern;

/**
 * The first-use set-up that a kept start reaches on its main thread, done ahead on a second
 * thread while the main thread reads the runtime's properties and creates the framework:
 * {@code java.lang.SecurityManager}'s static set-up (streams over the boot layer's modules; Felix's
 * {@code BundleImpl}, the framework's superclass, has a subclass of it), reflection's first
 * {@code Method.invoke}, Felix's {@code Util} (the framework's default properties and, by
 * reflection, every boot module's packages), the Formatter's locale data (Felix formats its
 * framework properties with {@code String.format}), the regular expression classes, the class
 * path's jar of the framework (Felix reads a resource from it first thing), the default time zone
 * and the MIME table (reading any bundle resource through a URL asks for both). 30 to 45 ms of a
 * one-shot command's main thread, sampled; a JVM does each once, whichever thread comes first
 * (class initialisation is locked), so nothing changes but the thread. Besides the JDK's, only
 * {@code Util} is initialised here, whose static set-up initialises no other class of the
 * framework: the framework's own start order stays as it is. {@code -Dcnnkit.nowarm=true} turns
 * it off (for comparisons).
 */
final class JdkWarmup {
    static final String THREAD = "cnnkit-warm";
    static final String FELIX_UTIL = "org.apache.felix.framework.util.Util";

    private JdkWarmup() {
    }

    /** The warming thread, started; null with {@code -Dcnnkit.nowarm=true}. */
    static Thread start() {
        if (Boolean.getBoolean("cnnkit.nowarm")) {
            return null;
        }
        // (a subclass, not a lambda: the JVM's first lambda costs its thread about 10 ms of set-up,
        // which the main thread would pay here; SecurityManager's streams pay it on this thread)
        Thread t = new Thread(THREAD) {
            @Override
            public void run() {
                JdkWarmup.run();
            }
        };
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Whether every step ran (false: this JDK lacks one; the rest were skipped). */
    static boolean run() {
        try {
            // in the order the main thread comes to them (Felix's BundleImpl, the framework's
            // superclass, is initialised first)
            Class.forName("java.lang.SecurityManager", true, null);
            // (a lookup only: opens the framework jar on the class path, defines nothing)
            ClassLoader.getSystemResource("org/apache/felix/framework/util/accessor.bytes");
            Object.class.getMethod("hashCode").invoke(JdkWarmup.class);
            // Felix's Util: its static set-up reads the default properties and, by reflection, the
            // boot layer's modules and their packages, and initialises no other framework class
            Class.forName(FELIX_UTIL, true, JdkWarmup.class.getClassLoader());
            String.format("%03d", 17);
            Pattern.compile("(\\d+)(\\.(\\d+))?([^a-zA-Z0-9](.*))?").matcher("1.2.x").matches();
            TimeZone.getDefault();
            URLConnection.getFileNameMap();
            return true;
        } catch (ClassNotFoundException | NoSuchMethodException | IllegalAccessException
                | InvocationTargetException | RuntimeException e) {
            // a JDK without one of these: the main thread meets it as before
            return false;
        }
    }
}
