package dev.cascade4j.router.cluster;

import dev.cascade4j.inference.Confidence;
import dev.cascade4j.inference.FinishReason;
import dev.cascade4j.inference.Generation;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.LocalModel;
import dev.cascade4j.inference.ModelInfo;
import dev.cascade4j.inference.Timings;
import dev.cascade4j.inference.Usage;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A model that streams the pieces it is given and answers their concatenation; or refuses every request
 * with an error; or, after streaming, holds the answer until cancelled (or forever, when it ignores
 * cancellation, as a node that died would).
 */
final class StreamingFake implements LocalModel {
    enum Ending { ANSWER, HOLD_UNTIL_CANCELLED, HOLD_FOREVER }

    private final List<String> pieces;
    private final Ending ending;
    private final RuntimeException refusal;
    final AtomicInteger calls = new AtomicInteger();

    private StreamingFake(List<String> pieces, Ending ending, RuntimeException refusal) {
        this.pieces = pieces;
        this.ending = ending;
        this.refusal = refusal;
    }

    static StreamingFake answering(String... pieces) {
        return new StreamingFake(List.of(pieces), Ending.ANSWER, null);
    }

    static StreamingFake holding(Ending ending, String... pieces) {
        return new StreamingFake(List.of(pieces), ending, null);
    }

    static StreamingFake refusing(RuntimeException error) {
        return new StreamingFake(List.of(), Ending.ANSWER, error);
    }

    @Override
    public ModelInfo info() {
        return new ModelInfo("fake", Path.of("fake.gguf"), "fake", "fake", 0, 0, 1, 2048, 2048, 1, "plain");
    }

    @Override
    public Generation submit(GenerationRequest request) {
        calls.incrementAndGet();
        if (refusal != null) {
            throw refusal;
        }
        CompletableFuture<GenerationResult> result = new CompletableFuture<>();
        StringBuilder text = new StringBuilder();
        Thread.ofVirtual().start(() -> {
            for (String p : pieces) {
                text.append(p);
                request.listener().onText(p);
            }
            if (ending == Ending.ANSWER) {
                result.complete(answer(text.toString(), FinishReason.STOP));
            }
        });
        return new Generation() {
            @Override
            public CompletableFuture<GenerationResult> result() {
                return result;
            }

            @Override
            public void cancel() {
                if (ending != Ending.HOLD_FOREVER) {
                    result.complete(answer(text.toString(), FinishReason.CANCELLED));
                }
            }
        };
    }

    static GenerationResult answer(String text, FinishReason finish) {
        return new GenerationResult(text, List.of(), finish, new Confidence(0.9, 1, 0.9, 0.9, -0.1, 0.2, 0.5, 1),
                new Usage(7, 0, 3, 0), new Timings(0, 1, 2));
    }

    @Override
    public int countTokens(String text) {
        return text.length();
    }

    @Override
    public void close() {
    }
}
