package io.cnnkit.engine.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;

class SummaryFormatTest {
    @Test
    void thousandsAreSeparatedByCommasAsPythonDoes() {
        assertEquals("0", Summary.formatCount(0));
        assertEquals("999", Summary.formatCount(999));
        assertEquals("1,000", Summary.formatCount(1000));
        assertEquals("123,456", Summary.formatCount(123_456));
        assertEquals("1,234,567", Summary.formatCount(1_234_567));
        assertEquals("-1,234", Summary.formatCount(-1234));
        assertEquals("-999", Summary.formatCount(-999));
        assertEquals("-9,223,372,036,854,775,808", Summary.formatCount(Long.MIN_VALUE));
        java.util.Random r = new java.util.Random(7);
        for (int i = 0; i < 100_000; i++) {
            long n = r.nextLong() >> r.nextInt(63);
            assertEquals(String.format(Locale.ROOT, "%,d", n), Summary.formatCount(n), "as %,d in the root locale");
        }
    }

    @Test
    void theTableIsKerasesWhateverTheLocale() {
        Summary s = new Summary("m", List.of(new Summary.Row("conv", "Conv2D", Shape.of(8, 8, 16), 1_234_567)),
                1_234_567, 1_234_000);
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY); // would write 1.234.567
            String table = s.format();
            assertTrue(table.contains("1,234,567\n"), table);
            assertTrue(table.endsWith("Total params: 1,234,567\nTrainable params: 1,234,000\nNon-trainable params: 567\n"),
                    table);
        } finally {
            Locale.setDefault(before);
        }
    }
}
