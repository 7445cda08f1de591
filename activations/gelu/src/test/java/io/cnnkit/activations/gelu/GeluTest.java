package io.cnnkit.activations.gelu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GeluTest {
    /** Reference values: Python's math.erfc (correctly rounded libm), around both branch ranges. */
    @ParameterizedTest
    @CsvSource({"0, 1.0", "1e-9, 0.9999999988716208", "0.1, 0.8875370839817152", "0.5, 0.4795001221869535",
        "1, 0.15729920705028513", "1.5, 0.033894853524689274", "1.999, 0.004698443348629488",
        "2, 0.004677734981047265", "2.5, 0.0004069520174449589", "3, 2.2090496998585438e-05",
        "4, 1.541725790028002e-08", "5, 1.5374597944280351e-12", "6, 2.1519736712498916e-17",
        "10, 2.088487583762545e-45", "20, 5.3958656116079005e-176"})
    void erfcMatchesLibm(double z, double expected) {
        assertEquals(expected, Gelu.erfc(z), expected * 1e-12);
    }
}
