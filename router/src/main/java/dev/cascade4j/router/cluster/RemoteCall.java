package dev.cascade4j.router.cluster;

import dev.cascade4j.inference.Confidence;
import dev.cascade4j.inference.FinishReason;
import dev.cascade4j.inference.Generation;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.inference.Timings;
import dev.cascade4j.inference.Usage;
import dev.cascade4j.router.RouterException;
import dev.cascade4j.router.internal.wire.ModelWire;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * One call to a {@link RemoteModel}: its attempts, the text streamed so far (handed to the request's
 * listener in sequence order, whatever order events arrive in), and its result. Events arrive on the
 * model's event-bus context; cancellation and departures come from other threads, hence the locking.
 */
final class RemoteCall implements Generation {
    private final RemoteModel model;
    final GenerationRequest request;
    private final String id = java.util.UUID.randomUUID().toString();
    private final CompletableFuture<GenerationResult> result = new CompletableFuture<>();
    private final StringBuilder streamed = new StringBuilder();
    private final TreeMap<Integer, String> early = new TreeMap<>();
    private int attempts;
    private String attemptId;
    private String node;
    private String nodeId;
    private String cancelAddress;
    private int nextSeq;
    private ModelWire.Result finished;
    private boolean cancelled;
    private final long startedNanos = System.nanoTime();

    RemoteCall(RemoteModel model, GenerationRequest request) {
        this.model = model;
        this.request = request;
    }

    synchronized void send() {
        attempts++;
        attemptId = id + "#" + attempts;
        node = null;
        nodeId = null;
        cancelAddress = null;
        model.send(this, attemptId);
    }

    synchronized String node() {
        return node;
    }

    synchronized String nodeId() {
        return nodeId;
    }

    synchronized void accepted(String attempt, String node, String nodeId, String cancelAddress) {
        if (!attempt.equals(attemptId) || result.isDone()) {
            model.cancelOn(cancelAddress, attempt);
            return;
        }
        this.node = node;
        this.nodeId = nodeId;
        this.cancelAddress = cancelAddress;
        if (cancelled) {
            model.cancelOn(cancelAddress, attempt);
        }
    }

    /** No node took this attempt. */
    synchronized void notAccepted(RuntimeException why) {
        if (why instanceof RemoteModel.Refusal) {
            retryOrFail(why.getMessage());
        } else {
            fail(why);
        }
    }

    /** The attempt is lost: send it once more while nothing was streamed, else fail the call. */
    synchronized void retryOrFail(String why) {
        if (result.isDone()) {
            return;
        }
        model.forget(attemptId);
        if (attempts < 2 && streamed.isEmpty() && !cancelled) {
            send();
        } else {
            fail(new RouterException.Unavailable(why + (attempts > 1 ? " (tried " + attempts + " times)" : "")
                    + "; retry after " + RemoteModel.RETRY_AFTER.toSeconds() + " s", RemoteModel.RETRY_AFTER));
        }
    }

    synchronized void on(ModelWire.Event event) {
        if (result.isDone() || !event.call().equals(attemptId)) {
            return;
        }
        switch (event) {
            case ModelWire.Text t -> {
                early.put(t.seq(), t.text());
                while (!early.isEmpty() && early.firstKey() == nextSeq) {
                    String text = early.pollFirstEntry().getValue();
                    streamed.append(text);
                    nextSeq++;
                    request.listener().onText(text);
                }
            }
            case ModelWire.Result r -> finished = r;
            case ModelWire.Error e -> fail(switch (e.kind()) {
                case "invalid" -> new InferenceException.InvalidRequest(e.message());
                case "overloaded" -> new InferenceException.Overloaded(e.message());
                default -> new InferenceException("model " + model.name + " on node " + node + " failed: " + e.message());
            });
        }
        if (finished != null && nextSeq >= finished.chunks()) {
            model.forget(attemptId);
            result.complete(finished.result());
        }
    }

    synchronized void fail(RuntimeException error) {
        model.forget(attemptId);
        result.completeExceptionally(error);
    }

    @Override
    public CompletableFuture<GenerationResult> result() {
        return result;
    }

    @Override
    public synchronized void cancel() {
        if (cancelled || result.isDone()) {
            return;
        }
        cancelled = true;
        if (cancelAddress != null) {
            model.cancelOn(cancelAddress, attemptId);
        }
        model.vertx.setTimer(model.cancelGrace.toMillis(), t -> endUnconfirmed());
    }

    /** The node did not confirm the cancellation in time (it may be gone): end with what was streamed. */
    private synchronized void endUnconfirmed() {
        if (result.isDone()) {
            return;
        }
        model.forget(attemptId);
        double millis = (System.nanoTime() - startedNanos) / 1e6;
        result.complete(new GenerationResult(streamed.toString(), List.of(), FinishReason.CANCELLED, Confidence.NONE,
                new Usage(0, 0, 0, 0), new Timings(0, 0, millis), node));
    }
}
