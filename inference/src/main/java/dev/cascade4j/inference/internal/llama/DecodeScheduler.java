package dev.cascade4j.inference.internal.llama;

import dev.cascade4j.inference.FinishReason;
import dev.cascade4j.inference.InferenceException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Continuous batching over the context's sequence slots. Each step puts every running sequence's
 * pending tokens and chunks of new prompts into one batch, decodes it, and hands each sequence whose
 * logits are ready to the token stage. A new sequence takes the free slot whose KV cache holds the
 * longest prefix of its prompt, or shares that prefix from another slot, so a repeated system prompt
 * is processed once. Decode thread only.
 */
final class DecodeScheduler {
    /** The parts of a llama.cpp context the scheduler drives: one batch, and the KV cache's sequences. */
    interface Context {
        void clearBatch();

        int batchSize();

        int batchRoom();

        /** Adds a token; returns its index in the batch, which names its logits when {@code output} is set. */
        int add(int token, int position, int sequence, boolean output);

        /** 0 ok, 1 no room in the KV cache, other values errors. */
        int decode();

        /** Removes positions [from, to) of a sequence (to = -1: to the end); false when the cache cannot cut there. */
        boolean removeTokens(int sequence, int from, int to);

        /** Makes positions [0, length) of {@code source} visible to {@code target} too. */
        void copyPrefix(int source, int target, int length);
    }

    private final Context context;
    private final Slot[] slots;
    private final List<Sequence> active = new ArrayList<>();

    DecodeScheduler(Context context, int sequences) {
        this.context = context;
        this.slots = new Slot[sequences];
        for (int i = 0; i < sequences; i++) {
            slots[i] = new Slot(i);
        }
    }

    boolean hasRoom() {
        return active.size() < slots.length;
    }

    boolean isIdle() {
        return active.isEmpty();
    }

    /** The sequences being decoded. */
    List<Sequence> active() {
        return active;
    }

    /** Gives the sequence a free slot whose KV cache holds the longest prefix of its prompt, or copies that prefix from another slot. */
    void start(Sequence s) {
        if (!s.claim()) {
            return; // cancelled while waiting: already finished by its canceller
        }
        if (s.isCancelled()) {
            s.finish(FinishReason.CANCELLED);
            return;
        }
        Slot target = null;
        int targetCommon = -1;
        Slot source = null;
        int sourceCommon = 0;
        for (Slot slot : slots) {
            int common = slot.commonPrefix(s.prompt);
            if (slot.busy == null && common > targetCommon) {
                target = slot;
                targetCommon = common;
            }
            if (common > sourceCommon) {
                source = slot;
                sourceCommon = common;
            }
        }
        if (target == null) {
            throw new IllegalStateException("no free slot: start() called with " + active.size() + " of " + slots.length + " busy");
        }
        // The last prompt token is always decoded again: its logits give the first answer token.
        int keep = Math.min(Math.max(targetCommon, 0), s.prompt.length - 1);
        if (source != null && source != target && sourceCommon - 1 > keep) {
            context.removeTokens(target.id, 0, -1);
            keep = Math.min(sourceCommon, s.prompt.length - 1);
            context.copyPrefix(source.id, target.id, keep);
        } else if (!context.removeTokens(target.id, keep, -1)) {
            context.removeTokens(target.id, 0, -1);
            keep = 0;
        }
        target.cached.size = 0;
        for (int i = 0; i < keep; i++) {
            target.cached.add(s.prompt[i]);
        }
        target.busy = s;
        s.slot = target.id;
        s.position = keep;
        s.promptFed = keep;
        s.cachedPromptTokens = keep;
        s.startedNanos = System.nanoTime();
        active.add(s);
    }

    /**
     * One batch: running sequences' pending tokens first (they wait on it), then prompt chunks in the room
     * left. After the decode, {@code nextToken} sees each sequence whose logits are ready; finished
     * sequences leave their slots.
     */
    void step(Consumer<Sequence> nextToken) {
        context.clearBatch();
        for (Sequence s : active) {
            s.logitIndex = -1;
            if (s.isCancelled() || s.inPrompt()) {
                continue;
            }
            int n = Math.min(s.pendingTokens.size, context.batchRoom());
            for (int i = 0; i < n; i++) {
                int index = context.add(s.pendingTokens.items[i], s.position++, s.slot, i == n - 1);
                slots[s.slot].cached.add(s.pendingTokens.items[i]);
                if (i == n - 1) {
                    s.logitIndex = index;
                }
            }
            s.pendingTokens.removeFirst(n);
        }
        for (Sequence s : active) {
            if (s.isCancelled() || !s.inPrompt() || context.batchRoom() == 0) {
                continue;
            }
            int n = Math.min(s.prompt.length - s.promptFed, context.batchRoom());
            for (int i = 0; i < n; i++) {
                int token = s.prompt[s.promptFed];
                boolean last = s.promptFed == s.prompt.length - 1;
                int index = context.add(token, s.position++, s.slot, last);
                slots[s.slot].cached.add(token);
                s.promptFed++;
                if (last) {
                    s.logitIndex = index;
                }
            }
        }
        if (context.batchSize() > 0) {
            int rc = context.decode();
            if (rc != 0) {
                failAll(rc);
                return;
            }
        }
        for (Sequence s : active) {
            if (s.isCancelled()) {
                s.finish(FinishReason.CANCELLED);
            } else if (s.logitIndex >= 0 && s.pendingTokens.size == 0) {
                nextToken.accept(s);
            }
        }
        active.removeIf(s -> {
            if (s.result().isDone()) {
                slots[s.slot].busy = null;
                return true;
            }
            return false;
        });
    }

    // Sizing makes a full cache unlikely (every sequence fits its share); should it happen, or decode fail
    // otherwise, the sequences of this batch end with an error and their slots start clean.
    private void failAll(int rc) {
        for (Sequence s : active) {
            context.removeTokens(s.slot, 0, -1);
            slots[s.slot].cached.size = 0;
            slots[s.slot].busy = null;
            s.fail(rc == 1
                    ? new InferenceException.Overloaded("the model's KV cache is full with " + active.size()
                            + " concurrent requests; retry, or load the model with a larger contextPerSequence")
                    : new InferenceException("llama_decode failed with code " + rc));
        }
        active.clear();
    }

    /** A sequence id of the context, and the tokens its KV cache holds. */
    private static final class Slot {
        final int id;
        final Sequence.IntList cached = new Sequence.IntList();
        Sequence busy;

        Slot(int id) {
            this.id = id;
        }

        int commonPrefix(int[] tokens) {
            int n = Math.min(cached.size, tokens.length);
            int i = 0;
            while (i < n && cached.items[i] == tokens[i]) {
                i++;
            }
            return i;
        }
    }
}
