package dev.cascade4j.inference.internal.llama;

import dev.cascade4j.inference.Confidence;
import dev.cascade4j.inference.FinishReason;
import dev.cascade4j.inference.Generation;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.inference.SamplingParams;
import dev.cascade4j.inference.TokenListener;
import dev.cascade4j.inference.ToolCall;
import dev.cascade4j.inference.Timings;
import dev.cascade4j.inference.Usage;
import dev.cascade4j.inference.internal.grammar.ToolCallFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * One request being served: its prompt, grammar, sampler state and what it produced so far. Built on
 * the caller's thread (tokenizing and compiling the grammar there), then owned by the decode thread.
 */
final class Sequence implements Generation {
    final int[] prompt;
    final SamplingParams sampling;
    final GrammarSampler grammar;
    final TokenListener listener;
    final int tokenLimit;
    /** Splits the final text into tool calls and text when the request offered tools; null otherwise. */
    final Function<String, ToolCallFormat.Parsed> toolCallParser;
    final SplittableRandom random;
    final boolean allTokensDecide;

    private final CompletableFuture<GenerationResult> result = new CompletableFuture<>();
    private volatile boolean cancelled;
    // Set once by whichever comes first: the decode thread starting the sequence, or a cancel while it waits.
    private final AtomicBoolean claimed = new AtomicBoolean();
    private volatile Runnable onDropped = () -> { };

    // Decode-thread state.
    int slot = -1;
    int position;
    int promptFed;
    int cachedPromptTokens;
    int logitIndex = -1;
    final IntList pendingTokens = new IntList();
    final StringBuilder text = new StringBuilder();
    final Utf8Assembler utf8 = new Utf8Assembler();
    final StopMatcher stops;
    final JsonRoleScanner roles = new JsonRoleScanner();
    final ConfidenceAccumulator confidence = new ConfidenceAccumulator();
    int generated;
    int forced;
    boolean firstTokenSeen;
    boolean leadingTextForced;
    final long submittedNanos = System.nanoTime();
    long startedNanos;
    long firstTokenNanos;

    Sequence(int[] prompt, SamplingParams sampling, GrammarSampler grammar, TokenListener listener, int tokenLimit,
             Function<String, ToolCallFormat.Parsed> toolCallParser, boolean allTokensDecide) {
        this.prompt = prompt;
        this.sampling = sampling;
        this.grammar = grammar;
        this.listener = listener;
        this.tokenLimit = tokenLimit;
        this.toolCallParser = toolCallParser;
        this.allTokensDecide = allTokensDecide;
        this.random = new SplittableRandom(sampling.seed());
        this.stops = new StopMatcher(sampling.stop());
    }

    @Override
    public CompletableFuture<GenerationResult> result() {
        return result;
    }

    /**
     * Stops the sequence. One still waiting for a slot ends here and now (CANCELLED, nothing generated)
     * and leaves the queue, so its prompt is never processed; a running one stops at its next step.
     */
    @Override
    public void cancel() {
        cancelled = true;
        if (claimed.compareAndSet(false, true)) {
            finish(FinishReason.CANCELLED);
            onDropped.run();
        }
    }

    /** What to run when a cancel takes the sequence before it started (remove it from the waiting queue). */
    void whenDroppedUnstarted(Runnable action) {
        this.onDropped = action;
    }

    /** The decode thread takes the sequence; false when a cancel took it first. */
    boolean claim() {
        return claimed.compareAndSet(false, true);
    }

    boolean isCancelled() {
        return cancelled;
    }

    boolean inPrompt() {
        return promptFed < prompt.length;
    }

    /** Emits decoded text to the output and the listener, honouring stop strings. */
    void emit(byte[] piece) {
        String chars = utf8.append(piece);
        if (!chars.isEmpty()) {
            release(stops.append(chars));
        }
    }

    private void release(String out) {
        if (!out.isEmpty()) {
            text.append(out);
            try {
                listener.onText(out);
            } catch (RuntimeException e) {
                // A failing listener must not take the decode thread down; stop this request instead.
                cancelled = true;
            }
        }
    }

    void finish(FinishReason reason) {
        String tail = utf8.flush();
        if (!tail.isEmpty()) {
            release(stops.append(tail));
        }
        if (!stops.stopped()) {
            release(stops.flush());
        }
        FinishReason finalReason = stops.stopped() && reason != FinishReason.CANCELLED ? FinishReason.STOP_STRING : reason;
        List<ToolCall> calls = List.of();
        String out = text.toString();
        if (toolCallParser != null && finalReason != FinishReason.CANCELLED) {
            ToolCallFormat.Parsed parsed = toolCallParser.apply(out);
            if (!parsed.calls().isEmpty()) {
                calls = parsed.calls();
                out = parsed.text();
                finalReason = FinishReason.TOOL_CALLS;
            }
        }
        long now = System.nanoTime();
        long first = firstTokenNanos == 0 ? now : firstTokenNanos;
        long started = startedNanos == 0 ? now : startedNanos;
        Timings timings = new Timings((started - submittedNanos) / 1e6, (first - started) / 1e6, (now - first) / 1e6);
        Confidence c = confidence.summary();
        close();
        result.complete(new GenerationResult(out, calls, finalReason, c,
                new Usage(prompt.length, cachedPromptTokens, generated + forced, forced), timings));
    }

    void fail(InferenceException e) {
        close();
        result.completeExceptionally(e);
    }

    private void close() {
        if (grammar != null) {
            grammar.close();
        }
    }

    /** A growable int array without boxing. */
    static final class IntList {
        int[] items = new int[16];
        int size;

        void add(int v) {
            if (size == items.length) {
                items = java.util.Arrays.copyOf(items, size * 2);
            }
            items[size++] = v;
        }

        void clear() {
            size = 0;
        }

        void removeFirst(int n) {
            System.arraycopy(items, n, items, 0, size - n);
            size -= n;
        }
    }
}
