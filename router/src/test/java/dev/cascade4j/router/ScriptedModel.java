package dev.cascade4j.router;

import dev.cascade4j.inference.Confidence;
import dev.cascade4j.inference.FinishReason;
import dev.cascade4j.inference.Generation;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.inference.LocalModel;
import dev.cascade4j.inference.ModelInfo;
import dev.cascade4j.inference.Timings;
import dev.cascade4j.inference.ToolCall;
import dev.cascade4j.inference.Usage;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local model that says what the test scripts, with the confidence the test scripts: each call
 * takes the next scripted reply, and the last one repeats. It answers at once, except a reply that
 * {@link #hangs} until it is cancelled (the deadline's timer, or the caller leaving). It records the
 * requests it was sent, so a test can assert what the router sent it.
 */
final class ScriptedModel implements LocalModel {
    private final ModelInfo info;
    private final Deque<Reply> script = new ArrayDeque<>();
    final List<GenerationRequest> requests = new CopyOnWriteArrayList<>();

    private sealed interface Reply {
    }

    private record Answer(GenerationResult result) implements Reply {
    }

    private record Refuse(RuntimeException error) implements Reply {
    }

    private record Break(RuntimeException error) implements Reply {
    }

    private record Hang(int tokensBeforeCancel) implements Reply {
    }

    ScriptedModel(String name) {
        this.info = new ModelInfo(name, Path.of(name + ".gguf"), "scripted", "scripted", 0, 0, 1, 2048, 2048, 1, "plain");
    }

    /** A confidence whose score is {@code score}, as the engine would report it for one decision token. */
    static Confidence confidence(double score) {
        return new Confidence(score, 1, score, score, Math.log(Math.max(score, 1e-9)), 0, 1, 1);
    }

    static GenerationResult text(String text, double score) {
        return new GenerationResult(text, List.of(), FinishReason.STOP, confidence(score), new Usage(5, 0, 3, 0), new Timings(0, 1, 1));
    }

    /** Answers {@code text} with this confidence score. */
    synchronized ScriptedModel says(String text, double score) {
        script.add(new Answer(text(text, score)));
        return this;
    }

    /** Answers with this result, e.g. one cut at max tokens. */
    synchronized ScriptedModel gives(GenerationResult result) {
        script.add(new Answer(result));
        return this;
    }

    /** Calls one tool with these JSON arguments and this confidence score. */
    synchronized ScriptedModel calls(String tool, String arguments, double score) {
        script.add(new Answer(new GenerationResult("", List.of(new ToolCall("call-1", tool, arguments)), FinishReason.TOOL_CALLS,
                confidence(score), new Usage(5, 0, 8, 0), new Timings(0, 1, 1))));
        return this;
    }

    /** Refuses the request when it is submitted, as the engine does a bad request or a full queue. */
    synchronized ScriptedModel refuses(RuntimeException error) {
        script.add(new Refuse(error));
        return this;
    }

    /** Accepts the request and then fails it, as the engine does on a decode error. */
    synchronized ScriptedModel breaks(String message) {
        script.add(new Break(new InferenceException(message)));
        return this;
    }

    /** Generates until cancelled, then answers what it had: {@code tokens} tokens, finish reason CANCELLED. */
    synchronized ScriptedModel hangs(int tokens) {
        script.add(new Hang(tokens));
        return this;
    }

    private synchronized Reply next() {
        if (script.isEmpty()) {
            throw new IllegalStateException("model " + info.name() + " has no scripted reply");
        }
        return script.size() > 1 ? script.poll() : script.peek();
    }

    @Override
    public Generation submit(GenerationRequest request) {
        Reply reply = next();
        if (reply instanceof Refuse(RuntimeException error)) {
            throw error;
        }
        requests.add(request);
        CompletableFuture<GenerationResult> result = new CompletableFuture<>();
        switch (reply) {
            case Answer(GenerationResult r) -> result.complete(r);
            case Break(RuntimeException error) -> result.completeExceptionally(error);
            default -> {
            }
        }
        return new Generation() {
            @Override
            public CompletableFuture<GenerationResult> result() {
                return result;
            }

            @Override
            public void cancel() {
                int tokens = reply instanceof Hang(int n) ? n : 0;
                result.complete(new GenerationResult("partial", List.of(), FinishReason.CANCELLED, confidence(0.5),
                        new Usage(5, 0, tokens, 0), new Timings(0, 1, 1)));
            }
        };
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public int countTokens(String text) {
        return text.length();
    }

    @Override
    public void close() {
    }
}
