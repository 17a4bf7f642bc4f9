package dev.cascade4j.router.internal.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
    @Test
    void readsTheShortFormsAndIso8601() {
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofSeconds(30), Durations.parse(" 30 s "));
        assertEquals(Duration.ofMinutes(2), Durations.parse("2M"));
        assertEquals(Duration.ofHours(1), Durations.parse("1h"));
        assertEquals(Duration.ofDays(7), Durations.parse("7d"));
        assertEquals(Duration.ofSeconds(30), Durations.parse("PT30S"));
        assertEquals(Duration.ofMinutes(10), Durations.parse("pt10m"));
        assertEquals(Duration.ofDays(1), Durations.parse("P1D"));
    }

    @Test
    void refusesWhatIsNotADurationAndSaysWhatIs() {
        for (String bad : new String[] {"soon", "", "10", "-5s", "1.5h", "999999999999999999d", "5 weeks"}) {
            var e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("'" + bad + "' is not a duration; write e.g. 500ms, 30s"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Durations.parse(null));
    }
}
