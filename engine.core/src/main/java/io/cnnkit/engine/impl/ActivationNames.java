package io.cnnkit.engine.impl;

import java.util.Locale;

/** Keras serialized activation class names to function names (ReLU -> relu, LeakyReLU -> leaky_relu). */
final class ActivationNames {
    private ActivationNames() {
    }

    static String fromKerasClass(String className) {
        // Keras spells acronyms in capitals (ReLU, PReLU, ELU, GELU); fold them before snake-casing.
        String s = className.replace("PReLU", "Prelu").replace("ReLU", "Relu").replace("SELU", "Selu")
                .replace("GELU", "Gelu").replace("ELU", "Elu");
        if (s.equals(s.toLowerCase(Locale.ROOT))) {
            return s;
        }
        return s.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }
}
