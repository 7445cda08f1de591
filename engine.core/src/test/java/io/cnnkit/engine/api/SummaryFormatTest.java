package io.cnnkit.engine.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;

class SummaryFormatTest {
    @Test
    void thousandsAreSeparatedByCommasAsPythonDoes() {
        assertEquals("0", Summary.withCommas(0));
        assertEquals("999", Summary.withCommas(999));
        assertEquals("1,000", Summary.withCommas(1000));
        assertEquals("123,456", Summary.withCommas(123_456));
        assertEquals("1,234,567", Summary.withCommas(1_234_567));
        assertEquals("-1,234", Summary.withCommas(-1234));
        assertEquals("-999", Summary.withCommas(-999));
        assertEquals("-9,223,372,036,854,775,808", Summary.withCommas(Long.MIN_VALUE));
        for (long n : new long[] {1, 12, 1234, 98_765, 4_000_000, 1L << 40, -77_777}) {
            assertEquals(String.format(Locale.ROOT, "%,d", n), Summary.withCommas(n), "as %,d in the root locale");
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
