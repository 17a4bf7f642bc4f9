package dev.cascade4j.inference.internal.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade4j.inference.TestModels;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The text a grammar forces, found through llama.cpp's grammar sampler with the tokens of a real vocabulary. */
class ForcedTextProbeTest {
    static NativeModel model;
    static GrammarSampler.Scratch scratch;
    static ForcedTextProbe probe;

    @BeforeAll
    static void load() {
        model = NativeModel.load(LlamaLibrary.get(), TestModels.smollm(), 0);
        scratch = new GrammarSampler.Scratch(model.vocabSize);
        probe = new ForcedTextProbe(model);
    }

    @AfterAll
    static void close() {
        scratch.close();
        model.close();
    }

    @Test
    void aFixedPrefixIsForcedUpToTheFirstChoice() {
        try (GrammarSampler g = GrammarSampler.create(model, "root ::= \"{\\\"answer\\\":\" (\"yes\" | \"no\") \"}\"", "root")) {
            assertEquals("{\"answer\":", probe.forcedText(g, scratch, 96));
            assertEquals("", probe.forcedText(g, scratch, 96), "the model chooses between yes and no");
            feed(g, "y");
            assertEquals("es}", probe.forcedText(g, scratch, 96), "once it chose, the rest is forced");
            assertTrue(probe.onlyEndAllowed(g, scratch));
            assertNull(probe.forcedText(g, scratch, 96), "nothing but the end is left");
        }
    }

    @Test
    void theForcedTextStopsAtTheLimitAndContinuesNextTime() {
        try (GrammarSampler g = GrammarSampler.create(model, "root ::= \"abcdefghij\" [0-9]", "root")) {
            assertEquals("abcd", probe.forcedText(g, scratch, 4));
            assertEquals("efghij", probe.forcedText(g, scratch, 96), "accepted characters stay accepted");
            assertFalse(probe.onlyEndAllowed(g, scratch));
        }
    }

    @Test
    void anAnswerThatMayEndOrGoOnIsNotForced() {
        try (GrammarSampler g = GrammarSampler.create(model, "root ::= \"ok\" \"!\"?", "root")) {
            assertEquals("ok", probe.forcedText(g, scratch, 96));
            assertEquals("", probe.forcedText(g, scratch, 96), "'!' or the end: a choice");
            assertFalse(probe.onlyEndAllowed(g, scratch));
        }
    }

    private static void feed(GrammarSampler g, String text) {
        for (int t : model.tokenize(text, false)) {
            g.accept(t);
        }
        assertEquals(text, new String(model.piece(model.tokenize(text, false)[0]), StandardCharsets.UTF_8));
    }
}
