package dev.cascade4j.router;

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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local model whose speed the test chooses: {@code parallel} server threads take requests in
 * arrival order and serve each for {@code serviceMillis}, answering "ok". Like the real engine, a
 * request cancelled while it waits is dropped unserved, one cancelled while served stops then, and the
 * timings say how long each waited and was served.
 */
final class TimedFakeModel implements LocalModel {
    private final ModelInfo info;
    private final long serviceMillis;
    private final LinkedBlockingQueue<Call> waiting = new LinkedBlockingQueue<>();
    private final List<Thread> servers;
    final AtomicInteger submitted = new AtomicInteger();
    final AtomicInteger served = new AtomicInteger();

    TimedFakeModel(int parallel, long serviceMillis) {
        this.info = new ModelInfo("timed-fake", Path.of("timed-fake.gguf"), "fake", "fake", 0, 0, 1, 2048, 2048, parallel, "plain");
        this.serviceMillis = serviceMillis;
        this.servers = java.util.stream.IntStream.range(0, parallel)
                .mapToObj(i -> Thread.ofPlatform().daemon(true).name("timed-fake-" + i).start(this::serve)).toList();
    }

    private final class Call implements Generation {
        final CompletableFuture<GenerationResult> result = new CompletableFuture<>();
        final long submittedNanos = System.nanoTime();
        final CountDownLatch stop = new CountDownLatch(1);
        volatile boolean cancelled;

        @Override
        public CompletableFuture<GenerationResult> result() {
            return result;
        }

        @Override
        public void cancel() {
            cancelled = true;
            stop.countDown();
            if (waiting.remove(this)) {
                result.complete(answer(FinishReason.CANCELLED, (System.nanoTime() - submittedNanos) / 1e6, 0));
            }
        }
    }

    private void serve() {
        try {
            while (true) {
                Call call = waiting.take();
                long start = System.nanoTime();
                double queued = (start - call.submittedNanos) / 1e6;
                if (call.cancelled) {
                    call.result.complete(answer(FinishReason.CANCELLED, queued, 0));
                    continue;
                }
                served.incrementAndGet();
                boolean stopped = call.stop.await(serviceMillis, TimeUnit.MILLISECONDS); // serving: this model's whole cost
                call.result.complete(answer(stopped ? FinishReason.CANCELLED : FinishReason.STOP, queued, (System.nanoTime() - start) / 1e6));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static GenerationResult answer(FinishReason reason, double queuedMillis, double servedMillis) {
        return new GenerationResult("ok", List.of(), reason, Confidence.NONE, new Usage(1, 0, 1, 0),
                new Timings(queuedMillis, servedMillis / 2, servedMillis / 2));
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public Generation submit(GenerationRequest request) {
        submitted.incrementAndGet();
        Call call = new Call();
        waiting.add(call);
        return call;
    }

    @Override
    public int countTokens(String text) {
        return text.length();
    }

    @Override
    public void close() {
        servers.forEach(Thread::interrupt);
    }
}
