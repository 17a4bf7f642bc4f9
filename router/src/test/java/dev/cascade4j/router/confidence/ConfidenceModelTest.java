package dev.cascade4j.router.confidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade4j.router.config.Route;
import dev.cascade4j.router.config.RouterConfig;
import dev.cascade4j.router.config.RouterConfigException;
import org.junit.jupiter.api.Test;

/** The fitted model's score and its YAML form in the router configuration. */
class ConfidenceModelTest {

    static ConfidenceSignals signals(double p10, double grounding, double entropy) {
        return new ConfidenceSignals(p10, 4, p10 * 0.9, p10, Math.log(Math.max(p10, 1e-6)), entropy, 0.5, 1, grounding, 2, 12, 1,
                false, false, 0.9);
    }

    @Test
    void theConfidenceBlockRoundTripsThroughTheConfiguration() {
        ConfidenceModel m = new ConfidenceModel(-0.25, java.util.Map.of("p10", new ConfidenceModel.Term(1.5, 0.6, 0.2)));
        String yaml = """
                routes:
                  - name: tool_call
                    model: smollm2-135m
                    minGenerationConfidence: 0.4
                """ + m.toYaml(4);
        Route r = RouterConfig.parse(yaml, "test").route("tool_call");
        assertEquals(m.intercept(), r.confidence().intercept(), 1e-5);
        assertEquals(1.5, r.confidence().features().get("p10").weight(), 1e-5);
        ConfidenceSignals s = signals(0.8, 1, 0.1);
        assertEquals(m.score(s), r.confidence().score(s), 1e-5);
        assertEquals(1 / (1 + Math.exp(-(-0.25 + 1.5 * (0.8 - 0.6) / 0.2))), m.score(s), 1e-12);

        RouterConfigException bad = assertThrows(RouterConfigException.class, () -> RouterConfig.parse("""
                routes:
                  - name: tool_call
                    model: smollm2-135m
                    confidence: {intercept: 0, weights: {p11: 1}}
                """, "test"));
        assertTrue(bad.getMessage().contains("p11") && bad.getMessage().contains("p10"), bad.getMessage());
        assertThrows(RouterConfigException.class, () -> RouterConfig.parse("""
                routes:
                  - name: tool_call
                    model: smollm2-135m
                    confidence: {weights: {p10: 1}}
                """, "test"));
    }
}
