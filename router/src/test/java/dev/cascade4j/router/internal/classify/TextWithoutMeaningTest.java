package dev.cascade4j.router.internal.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade4j.router.RequestShape;
import dev.cascade4j.router.config.RouterConfig;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Text a client may send that carries nothing to classify (empty, spaces, control characters, lone
 * surrogates) is out of scope without an embedding, and the encoder itself never throws on it.
 */
class TextWithoutMeaningTest {
    static final List<String> NOTHING = List.of("", "   ", "\u0001\u0002", "\udc00\ud800", "\t\n\r", "\u0000", " \u0007 \ud800 ", "\ufeff", "\u202e\u200b");

    static Encoder encoder;
    static RouteClassifier classifier;

    @BeforeAll
    static void load() {
        RouterConfig config = RouterConfig.defaults();
        encoder = new Encoder(new MiniLmEmbeddingModel(), 1000);
        classifier = new RouteClassifier(config.routes(), config.classifier(), encoder);
    }

    @Test
    void textWithNothingToClassifyIsOutOfScopeWithoutAnEmbedding() {
        long embedded = encoder.stats().requestCount();
        for (String text : NOTHING) {
            Classification c = classifier.classify(text);
            assertNull(c.route(), c.detail());
            assertEquals(0, c.confidence());
            assertTrue(c.detail().startsWith("out of scope: no text to classify"), c.detail());
            assertEquals(c, classifier.cached(text, RequestShape.TEXT), "answered without a worker");
            Classification withTools = classifier.classify(text, RequestShape.TOOLS);
            assertEquals("tool_call", withTools.route(), "a request with tools is never out of scope: " + withTools.detail());
            Classification json = classifier.classify(text, RequestShape.STRUCTURED);
            assertEquals(0, json.confidence(), "no text, no confidence: it escalates");
        }
        assertEquals(embedded, encoder.stats().requestCount(), "no embedding was asked for");
    }

    @Test
    void encoderTakesAnyText() {
        for (String text : NOTHING) {
            float[] v = encoder.embed(text);
            assertEquals(384, v.length);
        }
        // a lone surrogate inside real text is dropped, not fatal, and the rest still means something
        float[] mixed = encoder.embed("Set a timer\udc00 for 8 minutes.\u0001");
        assertTrue(Encoder.dot(mixed, encoder.embed("Set a timer for 8 minutes.")) > 0.95);
    }

    @Test
    void controlCharactersAroundRealTextDoNotChangeTheRoute() {
        String text = "What's the forecast for Madrid this weekend?";
        assertEquals(classifier.classify(text).route(), classifier.classify("\u0001" + text + "\udc00").route());
    }
}
