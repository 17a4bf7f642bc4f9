package dev.cascade4j.router.internal.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The single-threaded session embeds exactly as langchain4j's own all-MiniLM-L6-v2 model does. */
class MiniLmEmbeddingModelTest {

    @Test
    void sameEmbeddingsAsLangchain4jsModel() {
        Encoder ours = new Encoder(new MiniLmEmbeddingModel(), 10);
        Encoder theirs = new Encoder(new AllMiniLmL6V2QuantizedEmbeddingModel(), 10);
        for (String text : List.of("Set a timer for 8 minutes.", "Summarize this article in two sentences.", "Bonjour")) {
            float[] a = ours.embed(text);
            assertEquals(384, a.length);
            assertEquals(1.0, Encoder.dot(a, theirs.embed(text)), 1e-5, text);
        }
        assertTrue(Encoder.dot(ours.embed("Set a timer for 8 minutes."), ours.embed("Start a countdown of eight minutes.")) > 0.5);
    }
}
