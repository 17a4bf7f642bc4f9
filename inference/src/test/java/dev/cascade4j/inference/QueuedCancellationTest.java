package dev.cascade4j.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A request cancelled while it waits for a sequence leaves the queue at once and is never prompt-processed. */
class QueuedCancellationTest {

    static GenerationRequest.Builder ask(String text, int maxTokens) {
        return GenerationRequest.builder().user(text).maxTokens(maxTokens);
    }

    @Test
    void aCancelledWaitingRequestEndsAtOnceAndFreesItsPlaceInTheQueue() throws Exception {
        try (LocalModel model = LocalModel.load(TestModels.smollm(), LocalModelOptions.defaults().withParallelSequences(1)
                .withQueueCapacity(1).withContextPerSequence(1024))) {
            CountDownLatch answering = new CountDownLatch(1);
            Generation running = model.submit(ask("Write a very long story about a dragon and a knight.", 800)
                    .listener(text -> answering.countDown()).build());
            assertTrue(answering.await(30, TimeUnit.SECONDS), "the first request holds the only sequence");
            Generation waiting = model.submit(ask("Say yes.", 8).build());
            assertThrows(InferenceException.Overloaded.class, () -> model.submit(ask("Say no.", 8).build()), "the queue of one is full");

            waiting.cancel();
            GenerationResult dropped = waiting.result().get(5, TimeUnit.SECONDS);
            assertEquals(FinishReason.CANCELLED, dropped.finishReason());
            assertEquals(0, dropped.usage().completionTokens());
            assertEquals(0, dropped.timings().promptMillis(), "its prompt was never processed");
            assertFalse(running.result().isDone(), "dropped while the only sequence was still busy");

            Generation next = model.submit(ask("Say no.", 8).build()); // its place in the queue is free again
            running.cancel();
            assertEquals(FinishReason.CANCELLED, running.result().get(30, TimeUnit.SECONDS).finishReason());
            GenerationResult answered = next.result().get(60, TimeUnit.SECONDS);
            assertTrue(answered.usage().completionTokens() > 0, "the next request is served: " + answered);
            waiting.cancel(); // cancelling twice changes nothing
            assertEquals(dropped, waiting.result().get());
        }
    }
}
