package dev.cascade4j.router;

import dev.cascade4j.inference.Generation;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The subtasks a router is working on, by id, so that a caller who no longer wants an answer (an HTTP
 * client that disconnected) can cancel it: work not yet begun is skipped, a generation still waiting
 * for a sequence leaves the engine's queue unprocessed, and a running one stops at its next token.
 */
final class Cancellations {
    private final Map<String, Call> calls = new ConcurrentHashMap<>();

    /** One subtask's cancellation state; read from any thread. */
    static final class Call {
        private final String id;
        private volatile boolean cancelled;
        private volatile Generation generation;

        private Call(String id) {
            this.id = id;
        }

        boolean cancelled() {
            return cancelled;
        }

        /** Throws when cancelled: for a step about to start work (embedding, submitting a prompt). */
        void checkNotCancelled() {
            if (cancelled) {
                throw new RouterException.Cancelled(id);
            }
        }

        /** The generation now under way for this subtask; cancelled at once if the caller already left. */
        void started(Generation g) {
            generation = g;
            if (cancelled) {
                g.cancel();
            }
        }

        // The flag is written before the generation is read, and started() writes before it reads: one of the
        // two always sees the other, so a generation is never missed.
        private void cancel() {
            cancelled = true;
            Generation g = generation;
            if (g != null) {
                g.cancel();
            }
        }
    }

    Call open(String id) {
        Call call = new Call(id);
        calls.put(id, call);
        return call;
    }

    void close(Call call) {
        calls.remove(call.id, call);
    }

    /** Cancels the subtask with this id; false when none is under way. */
    boolean cancel(String id) {
        Call call = calls.get(id);
        if (call == null) {
            return false;
        }
        call.cancel();
        return true;
    }
}
