package dev.cascade4j.router.internal.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade4j.router.RequestShape;
import dev.cascade4j.router.config.RouterConfig;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The default routes and the real all-MiniLM-L6-v2 encoder on utterances that are not among the examples. */
class RouteClassifierTest {
    /** The embedded routes on SmolLM2, the tiny model of the fast tests, with no large tier. */
    static final String SMOLLM = "smollm2-135m";

    static RouterConfig tinyDefaults() {
        return RouterConfig.defaults().withSlm(SMOLLM).withoutLargeModels();
    }

    // Held out: none of these is an example of the default configuration.
    static final Map<String, List<String>> HELD_OUT = Map.of(
            "tool_call", List.of(
                    "What's the forecast for Madrid this weekend?",
                    "Text my brother that I'll be late for dinner.",
                    "Add milk and eggs to my shopping list.",
                    "Find flights from Paris to Rome next Friday.",
                    "Check the balance of my savings account.",
                    "Turn the thermostat up to 22 degrees."),
            "extract", List.of(
                    "Extract the company name and founding year from this press release as JSON.",
                    "Pull out the patient name, date of birth and diagnosis from this clinical note.",
                    "Get the flight number, departure time and gate from this boarding pass text.",
                    "Parse the author, title and publication year out of this citation.",
                    "List every product name and its SKU mentioned in this email as structured data."),
            "classify", List.of(
                    "Is this product review positive or negative? Terrible quality, broke in a week.",
                    "Label this customer message as complaint, question or praise.",
                    "Which topic does this article belong to: health, finance or travel?",
                    "Classify this support email by urgency: low, medium or high.",
                    "Does this message count as spam?"),
            "summarize", List.of(
                    "Summarize this paragraph in one sentence.",
                    "Give me the gist of this long Slack thread.",
                    "Write a short summary of the quarterly report below.",
                    "Briefly recap what happened in this episode transcript.",
                    "Condense this legal clause into plain words, two lines max."),
            "reason", List.of(
                    "Work out a step-by-step plan to reduce our cloud costs by 30% without hurting latency.",
                    "Analyse the pros and cons of raising prices versus cutting costs for our bakery.",
                    "Explain, step by step, why this recursive function never terminates and how to fix it.",
                    "If a train leaves at 3pm going 80 km/h and another at 4pm going 100 km/h, when does the second catch up? Reason it through.",
                    "Design a fair scheduling policy for shared GPUs across five research teams and justify it."));

    static final List<String> OUT_OF_SCOPE = List.of(
            "asdf qwerty zxcv",
            "The mitochondria is the powerhouse of the cell.",
            "lol",
            "Bonjour");

    static RouteClassifier classifier;

    @BeforeAll
    static void load() {
        RouterConfig config = tinyDefaults();
        classifier = new RouteClassifier(config.routes(), config.classifier(),
                new Encoder(new AllMiniLmL6V2QuantizedEmbeddingModel(), 1000));
    }

    @Test
    void routesHeldOutUtterancesToTheirRoute() {
        int right = 0;
        int total = 0;
        StringBuilder misses = new StringBuilder();
        for (var e : HELD_OUT.entrySet()) {
            // Tool-call subtasks carry their tools; the others are text.
            RequestShape shape = e.getKey().equals("tool_call") ? RequestShape.TOOLS : RequestShape.TEXT;
            for (String text : e.getValue()) {
                Classification c = classifier.classify(text, shape);
                total++;
                if (e.getKey().equals(c.route())) {
                    right++;
                } else {
                    misses.append("\n  ").append(e.getKey()).append(" <- '").append(text).append("': ").append(c.detail());
                }
            }
        }
        double accuracy = (double) right / total;
        assertTrue(accuracy >= 0.90, "routing accuracy " + right + "/" + total + " below 90%; misses:" + misses);
    }

    @Test
    void unrelatedTextIsOutOfScope() {
        int flagged = 0;
        StringBuilder detail = new StringBuilder();
        for (String text : OUT_OF_SCOPE) {
            Classification c = classifier.classify(text);
            detail.append("\n  '").append(text).append("': ").append(c.detail());
            if (c.outOfScope()) {
                flagged++;
                assertNull(c.route());
            }
        }
        assertTrue(flagged >= OUT_OF_SCOPE.size() - 1, "out-of-scope texts not flagged:" + detail);
    }

    @Test
    void aRequestThatCarriesToolsIsNeverOutOfScope() {
        for (String text : List.of("Find the roots of a quadratic equation with coefficients a=1, b=-3, c=2.",
                "asdf qwerty zxcv", "Tell me a joke about cats.")) {
            Classification c = classifier.classify(text, RequestShape.TOOLS);
            assertEquals("tool_call", c.route(), c.detail());
            assertEquals(1.0, c.confidence(), c.detail());
            assertEquals("tool_call", classifier.classify(text, RequestShape.TOOL_RESULT).route());
            Classification structured = classifier.classify(text, RequestShape.STRUCTURED);
            assertTrue(List.of("extract", "classify").contains(structured.route()), structured.detail());
        }
        // Without tools the same words can be chit-chat, and words that read like a tool call find no tool route.
        assertTrue(classifier.classify("Tell me a joke about cats.", RequestShape.TEXT).outOfScope());
        assertTrue(!"tool_call".equals(classifier.classify("Turn the thermostat up to 22 degrees.", RequestShape.TEXT).route()));
    }

    @Test
    void chitChatCloseToTheOutOfScopeExamplesIsOutOfScope() {
        for (String text : List.of("Tell me a joke about cats.", "Good evening, how are you?", "Write a poem about the rain.")) {
            Classification c = classifier.classify(text);
            assertTrue(c.outOfScope(), text + ": " + c.detail());
            assertNull(c.route());
        }
        // Work for a route that shares words with them stays in scope.
        assertEquals("summarize", classifier.classify("Summarize this joke thread in one line: ...and then the cat sat down.").route());
    }

    @Test
    void scoresTheInstructionAsWellAsTheWholeText() {
        assertEquals(List.of("TL;DR: the bridge closes in June.", "TL;DR"), RouteClassifier.views("TL;DR: the bridge closes in June."));
        String summary = "Write a short summary of the following. The bridge closes in June for repairs.";
        assertEquals(List.of(summary, "Write a short summary of the following."), RouteClassifier.views(summary));
        assertEquals(List.of("Convert 250 euros to dollars."), RouteClassifier.views("Convert 250 euros to dollars."));
        assertEquals("summarize", classifier.classify(summary).route());
    }

    @Test
    void confidentOnAnExampleAndCachesTheAnswer() {
        long before = classifier.cacheStats().hitCount();
        Classification first = classifier.classify("Summarize this article in two sentences.");
        Classification second = classifier.classify("Summarize this article in two sentences.");
        assertEquals("summarize", first.route());
        assertTrue(first.similarity() > 0.99, first.detail());
        assertTrue(first.confidence() > 0.5, first.detail());
        assertEquals(first, second);
        assertEquals(before + 1, classifier.cacheStats().hitCount());
    }

    @Test
    void softmaxSumsToOneAndKeepsOrder() {
        double[] p = RouteClassifier.softmax(new double[] {0.2, 0.5, 0.4}, 0.05);
        assertEquals(1.0, p[0] + p[1] + p[2], 1e-9);
        assertTrue(p[1] > p[2] && p[2] > p[0]);
    }
}
