package dev.cascade4j.inference.internal.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade4j.inference.FinishReason;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.inference.SamplingParams;
import dev.cascade4j.inference.TokenListener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Continuous batching and KV-prefix reuse against a recording context: no model, no natives. */
class DecodeSchedulerTest {

    /** One batch entry as the scheduler added it. */
    record Entry(int token, int position, int sequence, boolean output) {
    }

    /** Records batches and cache edits; decode returns {@link #rc}. */
    static final class FakeContext implements DecodeScheduler.Context {
        final int capacity;
        final List<Entry> batch = new ArrayList<>();
        final List<List<Entry>> decoded = new ArrayList<>();
        final List<String> cacheEdits = new ArrayList<>();
        int rc;
        boolean partialRemovalWorks = true;

        FakeContext(int capacity) {
            this.capacity = capacity;
        }

        @Override
        public void clearBatch() {
            batch.clear();
        }

        @Override
        public int batchSize() {
            return batch.size();
        }

        @Override
        public int batchRoom() {
            return capacity - batch.size();
        }

        @Override
        public int add(int token, int position, int sequence, boolean output) {
            batch.add(new Entry(token, position, sequence, output));
            return batch.size() - 1;
        }

        @Override
        public int decode() {
            decoded.add(List.copyOf(batch));
            return rc;
        }

        @Override
        public boolean removeTokens(int sequence, int from, int to) {
            cacheEdits.add("rm " + sequence + " " + from + " " + to);
            return from == 0 || partialRemovalWorks;
        }

        @Override
        public void copyPrefix(int source, int target, int length) {
            cacheEdits.add("cp " + source + " " + target + " " + length);
        }

        List<Entry> lastBatch() {
            return decoded.getLast();
        }
    }

    /** Stands in for the token stage: appends token 1000 + n and ends the sequence after {@code answer} tokens. */
    static Consumer<Sequence> answering(int answer) {
        return s -> {
            s.generated++;
            if (s.generated >= answer) {
                s.finish(FinishReason.LENGTH);
            } else {
                s.pendingTokens.add(1000 + s.generated);
            }
        };
    }

    static Sequence sequence(int... prompt) {
        return new Sequence(prompt, SamplingParams.DEFAULT, null, TokenListener.NONE, 64, null, true);
    }

    @Test
    void aLongPromptIsFedInChunksAndOnlyItsLastTokenAsksForLogits() {
        FakeContext context = new FakeContext(4);
        DecodeScheduler scheduler = new DecodeScheduler(context, 1);
        Sequence s = sequence(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        scheduler.start(s);
        List<Sequence> asked = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            scheduler.step(asked::add);
        }
        assertEquals(List.of(4, 4, 2), context.decoded.stream().map(List::size).toList(), "batch sizes");
        List<Entry> all = context.decoded.stream().flatMap(List::stream).toList();
        for (int i = 0; i < all.size(); i++) {
            assertEquals(new Entry(i + 1, i, 0, i == 9), all.get(i));
        }
        assertEquals(List.of(s), asked, "the token stage sees the sequence once its prompt is in");
    }

    @Test
    void runningSequencesGoFirstAndANewPromptTakesTheRoomLeft() {
        FakeContext context = new FakeContext(4);
        DecodeScheduler scheduler = new DecodeScheduler(context, 2);
        Sequence running = sequence(1, 2, 3);
        scheduler.start(running);
        scheduler.step(answering(10)); // the whole prompt, then the first answer token is pending
        Sequence arriving = sequence(20, 21, 22, 23, 24, 25);
        scheduler.start(arriving);
        scheduler.step(answering(10));
        List<Entry> batch = context.lastBatch();
        assertEquals(new Entry(1001, 3, 0, true), batch.getFirst(), "the running sequence's next token, with its logits");
        assertEquals(List.of(new Entry(20, 0, 1, false), new Entry(21, 1, 1, false), new Entry(22, 2, 1, false)), batch.subList(1, 4));
        scheduler.step(answering(10));
        assertEquals(new Entry(1002, 4, 0, true), context.lastBatch().getFirst(), "generation does not wait for the prompt");
    }

    @Test
    void aFreedSlotKeepsItsCacheForTheNextPromptWithTheSamePrefix() {
        FakeContext context = new FakeContext(16);
        DecodeScheduler scheduler = new DecodeScheduler(context, 1);
        Sequence first = sequence(1, 2, 3, 4);
        scheduler.start(first);
        scheduler.step(answering(1));
        assertTrue(first.result().isDone());
        assertTrue(scheduler.isIdle());

        Sequence second = sequence(1, 2, 3, 9, 10);
        scheduler.start(second);
        assertEquals("rm 0 3 -1", context.cacheEdits.getLast(), "the cache is cut after the shared prefix");
        scheduler.step(answering(1));
        assertEquals(List.of(new Entry(9, 3, 0, false), new Entry(10, 4, 0, true)), context.lastBatch());
        assertEquals(3, second.result().join().usage().cachedPromptTokens());
    }

    @Test
    void theSamePromptAgainDecodesItsLastTokenForFreshLogits() {
        FakeContext context = new FakeContext(16);
        DecodeScheduler scheduler = new DecodeScheduler(context, 1);
        scheduler.start(sequence(5, 6, 7));
        scheduler.step(answering(1));
        scheduler.start(sequence(5, 6, 7));
        scheduler.step(answering(1));
        assertEquals(List.of(new Entry(7, 2, 0, true)), context.lastBatch());
    }

    @Test
    void aPrefixHeldByABusySlotIsSharedIntoAFreeOne() {
        FakeContext context = new FakeContext(16);
        DecodeScheduler scheduler = new DecodeScheduler(context, 2);
        scheduler.start(sequence(1, 2, 3, 4, 5));
        scheduler.step(answering(100));
        Sequence second = sequence(1, 2, 3, 4, 8);
        scheduler.start(second);
        assertEquals(List.of("rm 1 0 -1", "cp 0 1 4"), context.cacheEdits.subList(context.cacheEdits.size() - 2, context.cacheEdits.size()));
        scheduler.step(answering(100));
        assertTrue(context.lastBatch().contains(new Entry(8, 4, 1, true)), "only the new token is fed: " + context.lastBatch());
    }

    @Test
    void aCacheThatCannotBeCutMidwayStartsClean() {
        FakeContext context = new FakeContext(16);
        context.partialRemovalWorks = false;
        DecodeScheduler scheduler = new DecodeScheduler(context, 1);
        scheduler.start(sequence(1, 2, 3));
        scheduler.step(answering(1));
        Sequence second = sequence(1, 2, 4);
        scheduler.start(second);
        scheduler.step(answering(1));
        assertEquals(3, context.lastBatch().size(), "the whole prompt again");
        assertEquals(0, second.result().join().usage().cachedPromptTokens());
    }

    @Test
    void aFullCacheFailsTheBatchAndFreesEverySlot() {
        FakeContext context = new FakeContext(16);
        DecodeScheduler scheduler = new DecodeScheduler(context, 2);
        Sequence a = sequence(1, 2);
        Sequence b = sequence(3, 4);
        scheduler.start(a);
        scheduler.start(b);
        assertFalse(scheduler.hasRoom());
        context.rc = 1;
        scheduler.step(answering(5));
        for (Sequence s : List.of(a, b)) {
            CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class, () -> s.result().join());
            assertInstanceOf(InferenceException.Overloaded.class, e.getCause());
        }
        assertTrue(scheduler.isIdle() && scheduler.hasRoom());
        assertTrue(context.cacheEdits.containsAll(List.of("rm 0 0 -1", "rm 1 0 -1")), "both slots start clean");
    }

    @Test
    void aCancelledSequenceEndsAtItsNextStepAndGivesUpItsSlot() {
        FakeContext context = new FakeContext(16);
        DecodeScheduler scheduler = new DecodeScheduler(context, 1);
        Sequence s = sequence(1, 2, 3);
        scheduler.start(s);
        scheduler.step(answering(100));
        s.cancel();
        List<Sequence> asked = new ArrayList<>();
        scheduler.step(asked::add);
        assertTrue(asked.isEmpty());
        assertEquals(1, context.decoded.size(), "nothing more of it is decoded");
        GenerationResult r = s.result().join();
        assertEquals(FinishReason.CANCELLED, r.finishReason());
        assertTrue(scheduler.hasRoom());
    }

    @Test
    void aSequenceCancelledWhileWaitingNeverTakesASlot() {
        FakeContext context = new FakeContext(16);
        DecodeScheduler scheduler = new DecodeScheduler(context, 1);
        Sequence s = sequence(1, 2, 3);
        s.cancel();
        scheduler.start(s);
        assertTrue(scheduler.isIdle());
        assertTrue(context.cacheEdits.isEmpty());
        assertEquals(FinishReason.CANCELLED, s.result().join().finishReason());
    }
}
