package dev.cascade4j.inference;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** A generation under way: its future result, and a way to stop it. */
public interface Generation {
    /** Completes with the result (finish reason CANCELLED after {@link #cancel()}), or exceptionally with an {@link InferenceException}. */
    CompletableFuture<GenerationResult> result();

    /** Stops generating at the next token; the result keeps what was generated so far. */
    void cancel();

    /** Waits for the result, unwrapping the future's exceptions. */
    default GenerationResult await() {
        try {
            return result().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        } catch (CancellationException e) {
            throw new InferenceException("generation was cancelled", e);
        }
    }
}
