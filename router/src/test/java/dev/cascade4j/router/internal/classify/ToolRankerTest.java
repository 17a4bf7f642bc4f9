package dev.cascade4j.router.internal.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade4j.inference.ToolSpec;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Tools ordered by relevance with the real all-MiniLM-L6-v2 encoder. */
class ToolRankerTest {
    static final List<ToolSpec> TOOLS = List.of(
            new ToolSpec("get_weather", "Current weather for a city.", null),
            new ToolSpec("convert_currency", "Convert an amount of money from one currency to another.", null),
            new ToolSpec("create_calendar_event", "Create a calendar event on a date at a time.", null),
            new ToolSpec("set_timer", "Start a countdown timer for a number of minutes.", null));

    static ToolRanker ranker;

    @BeforeAll
    static void load() {
        ranker = new ToolRanker(new Encoder(new AllMiniLmL6V2QuantizedEmbeddingModel(), 100));
    }

    @Test
    void theToolTheRequestIsAboutComesFirst() {
        assertEquals("set_timer", first("Set a countdown for 25 minutes, please."));
        assertEquals("convert_currency", first("How much is 120 pounds in yen?"));
        assertEquals("create_calendar_event", first("Put 'dentist' in my calendar for Friday at 9."));
        assertEquals("get_weather", first("Do I need an umbrella in Oslo today?"));
    }

    @Test
    void everyToolStaysOfferedOnceInOrderOfSimilarity() {
        List<ToolRanker.Ranked> ranked = ranker.rank("Convert 10 euros to dollars.", TOOLS);
        assertEquals(TOOLS.size(), ranked.size());
        assertEquals(TOOLS.stream().map(ToolSpec::name).sorted().toList(), ranked.stream().map(r -> r.tool().name()).sorted().toList());
        for (int i = 1; i < ranked.size(); i++) {
            assertTrue(ranked.get(i - 1).similarity() >= ranked.get(i).similarity());
        }
    }

    @Test
    void namesAreReadAsWords() {
        assertEquals("get weather: Current weather for a city.", ToolRanker.describe(TOOLS.getFirst()));
        assertEquals("to us dollars", ToolRanker.describe(new ToolSpec("toUsDollars", "", null)));
    }

    private static String first(String text) {
        return ranker.rank(text, TOOLS).getFirst().tool().name();
    }
}
