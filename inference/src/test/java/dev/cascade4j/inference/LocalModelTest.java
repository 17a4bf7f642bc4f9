package dev.cascade4j.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Text generation on the real SmolLM2 model: streaming, cancellation, stop strings, batching, prefix reuse, limits. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LocalModelTest {
    static LocalModel model;

    @BeforeAll
    static void load() {
        model = LocalModel.load(TestModels.smollm(), LocalModelOptions.defaults().withContextPerSequence(1024).withParallelSequences(8));
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    private static GenerationRequest.Builder ask(String question) {
        return GenerationRequest.builder().system("You are a helpful assistant.").user(question);
    }

    @Test
    void describesTheLoadedModel() {
        ModelInfo info = model.info();
        assertEquals("llama", info.architecture());
        assertEquals(49152, info.vocabularySize());
        assertEquals("chatml", info.chatTemplate());
        assertTrue(info.parameters() > 100_000_000L && info.parameters() < 200_000_000L, "parameters " + info.parameters());
    }

    @Test
    void answersAFactualQuestion() {
        GenerationResult r = model.generate(ask("What is the capital of France? Answer in one sentence.").maxTokens(40).build());
        assertTrue(r.text().contains("Paris"), r.text());
        assertEquals(FinishReason.STOP, r.finishReason());
        assertTrue(r.usage().promptTokens() > 10);
        assertTrue(r.confidence().score() > 0 && r.confidence().score() <= 1);
        assertTrue(r.confidence().decisionTokens() > 0);
    }

    @Test
    void greedyDecodingIsDeterministicAndReusesThePromptCache() {
        GenerationRequest req = ask("Name three colours.").maxTokens(24).build();
        GenerationResult first = model.generate(req);
        GenerationResult second = model.generate(req);
        assertEquals(first.text(), second.text());
        assertEquals(first.usage().promptTokens() - 1, second.usage().cachedPromptTokens(), "the whole prompt but its last token comes from the cache");
    }

    @Test
    void seededSamplingIsReproducibleAndSeedsDiffer() {
        SamplingParams p = SamplingParams.DEFAULT.withTemperature(1.0).withTopP(0.95).withMaxTokens(30);
        String a = model.generate(ask("Write a short poem about the sea.").sampling(p.withSeed(7)).build()).text();
        String b = model.generate(ask("Write a short poem about the sea.").sampling(p.withSeed(7)).build()).text();
        List<String> others = new ArrayList<>();
        for (int seed = 8; seed < 12; seed++) {
            others.add(model.generate(ask("Write a short poem about the sea.").sampling(p.withSeed(seed)).build()).text());
        }
        assertEquals(a, b);
        assertTrue(others.stream().anyMatch(o -> !o.equals(a)), "different seeds should give a different text at temperature 1");
    }

    @Test
    void streamsTextThatAddsUpToTheAnswer() {
        StringBuilder streamed = new StringBuilder();
        AtomicInteger chunks = new AtomicInteger();
        GenerationResult r = model.generate(ask("Count from one to ten in words.").maxTokens(40)
                .listener(t -> {
                    streamed.append(t);
                    chunks.incrementAndGet();
                }).build());
        assertEquals(r.text(), streamed.toString());
        assertTrue(chunks.get() > 3, "text arrives in several pieces");
    }

    @Test
    void stopsAtAStopStringWithoutShowingIt() {
        StringBuilder streamed = new StringBuilder();
        GenerationResult r = model.generate(ask("Count from one to ten in digits, separated by commas.")
                .sampling(SamplingParams.greedy(60).withStop(List.of("5")))
                .listener(streamed::append).build());
        assertEquals(FinishReason.STOP_STRING, r.finishReason(), r.text());
        assertFalse(r.text().contains("5"), r.text());
        assertTrue(r.text().contains("4"), r.text());
        assertEquals(r.text(), streamed.toString());
    }

    @Test
    void stopsAtTheTokenLimit() {
        GenerationResult r = model.generate(ask("Tell me a long story about a dragon.").maxTokens(7).build());
        assertEquals(FinishReason.LENGTH, r.finishReason());
        assertEquals(7, r.usage().completionTokens());
    }

    @Test
    void cancelsAGenerationUnderWay() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Generation g = model.submit(ask("Write a very long essay about the history of Rome.").maxTokens(900)
                .listener(t -> started.countDown()).build());
        assertTrue(started.await(60, TimeUnit.SECONDS));
        g.cancel();
        GenerationResult r = g.result().get(60, TimeUnit.SECONDS);
        assertEquals(FinishReason.CANCELLED, r.finishReason());
        assertTrue(r.usage().completionTokens() < 900);
    }

    @Test
    void servesEightConcurrentRequestsAsOneBatch() {
        String[] cities = {"France", "Germany", "Italy", "Spain", "Japan", "Egypt", "Canada", "Peru"};
        List<Generation> running = new ArrayList<>();
        for (String c : cities) {
            running.add(model.submit(ask("What is the capital of " + c + "? Answer with the city name only.").maxTokens(12).build()));
        }
        List<GenerationResult> results = running.stream().map(Generation::await).toList();
        // Sequences must not leak into each other: no batched answer speaks of another request's country.
        // Whether a batched answer equals the unbatched one is numerics (batched matrix products round
        // differently, and how much differs between ggml's CPU backends), so it is not asserted here.
        for (int i = 0; i < cities.length; i++) {
            GenerationResult r = results.get(i);
            assertTrue(r.finishReason() == FinishReason.STOP || r.finishReason() == FinishReason.LENGTH, r.finishReason().toString());
            assertTrue(r.usage().completionTokens() > 0, "every request of the batch was answered");
            for (int j = 0; j < cities.length; j++) {
                if (j != i) {
                    assertFalse(r.text().contains(cities[j]), "answer for " + cities[i] + " mentions " + cities[j] + ": " + r.text());
                }
            }
        }
    }

    @Test
    void rejectsAPromptLongerThanTheContext() {
        String longText = "word ".repeat(3000);
        var e = assertThrows(InferenceException.InvalidRequest.class, () -> model.submit(ask(longText).build()));
        assertTrue(e.getMessage().contains("context holds 1024"), e.getMessage());
    }

    @Test
    void rejectsNonPositiveMaxTokens() {
        var e = assertThrows(InferenceException.InvalidRequest.class, () -> SamplingParams.greedy(0));
        assertTrue(e.getMessage().contains("max_tokens"), e.getMessage());
        assertThrows(InferenceException.InvalidRequest.class, () -> SamplingParams.greedy(-5));
    }

    @Test
    void rejectsAGrammarThatLlamaCppCannotParse() {
        var e = assertThrows(InferenceException.InvalidRequest.class,
                () -> model.submit(ask("hi").responseFormat(ResponseFormat.grammar("root ::= [a-z")).build()));
        assertTrue(e.getMessage().startsWith("llama.cpp rejected the grammar"), e.getMessage());
    }

    @Test
    void followsARawGbnfGrammar() {
        GenerationResult r = model.generate(ask("Is the sky blue? Answer yes or no.")
                .responseFormat(ResponseFormat.grammar("root ::= (\"yes\" | \"no\") \".\"")).maxTokens(10).build());
        assertTrue(r.text().equals("yes.") || r.text().equals("no."), r.text());
        assertEquals(FinishReason.STOP, r.finishReason());
    }
}
