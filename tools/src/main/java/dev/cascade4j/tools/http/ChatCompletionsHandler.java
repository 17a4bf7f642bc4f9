package dev.cascade4j.tools.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cascade4j.inference.FinishReason;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.inference.TokenListener;
import dev.cascade4j.inference.ToolCall;
import dev.cascade4j.inference.internal.grammar.ToolCallFormat;
import dev.cascade4j.router.RoutedAnswer;
import dev.cascade4j.router.Router;
import dev.cascade4j.router.RoutingDecision;
import dev.cascade4j.router.Subtask;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;

/**
 * {@code POST /v1/chat/completions}. Never blocks the event loop: the request is read and its schemas
 * compiled on a worker, the router is asynchronous, and tokens arriving on the model's decode thread
 * are handed to the event loop.
 *
 * <p>Streaming policy. The router's confidence is known only when the answer is complete, so:
 * <ul>
 * <li>when {@code model} names a local model, that model answers (no classification, no escalation),
 *     and its tokens are streamed live as they are generated; the route and model headers go out
 *     first, and escalation, confidence and the node that generated the answer follow as HTTP
 *     trailers and in the finish chunk;</li>
 * <li>when {@code model} is a route or {@code auto}, the router may escalate, so the stream starts
 *     once the decision is made, with every header set, and replays the final answer as deltas.</li>
 * </ul>
 * Tool calls are never streamed as raw text: an answer that opens a tool call is held back and sent
 * as OpenAI tool-call deltas (index, id and name, then the arguments in pieces).
 *
 * <p>A client that disconnects cancels its subtask ({@link Router#cancel}): work not yet begun is
 * skipped, a generation still waiting for a sequence is dropped before its prompt is processed, and a
 * running one stops at its next token (the token listener also throws once the connection is gone).
 */
final class ChatCompletionsHandler implements Handler<RoutingContext> {
    private static final System.Logger LOG = System.getLogger(ChatCompletionsHandler.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int STREAM_PIECE = 16;
    /** The node whose model generated the answer: the router's own, or a model node of a cluster. */
    private static final String NODE_HEADER = "x-cascade4j-node";

    private final Router router;
    private final ServerConfig config;
    private final ResponseCache cache;
    private final ErrorResponder errors;

    ChatCompletionsHandler(Router router, ServerConfig config, ResponseCache cache, ErrorResponder errors) {
        this.router = router;
        this.config = config;
        this.cache = cache;
        this.errors = errors;
    }

    @Override
    public void handle(RoutingContext ctx) {
        // Reading a request compiles its schemas, which costs in proportion to their size (up to a second
        // for a body at the limit): that runs on a worker, so the event loop and /health stay free.
        ctx.vertx().executeBlocking(() -> {
            JsonNode body = parse(ctx);
            checkMessageCount(body);
            ChatCompletionRequest request = ChatCompletionRequest.read(body, config.defaultMaxTokens());
            return new Read(request, cache != null && request.deterministic() ? ResponseCache.key(body) : null);
        }, false).onComplete(read -> {
            try {
                if (read.failed()) {
                    ctx.fail(read.cause());
                } else {
                    answer(ctx, read.result().request(), read.result().cacheKey());
                }
            } catch (RuntimeException e) {
                ctx.fail(e);
            }
        });
    }

    /** A checked request and its cache key ({@code null} when it is not cached). */
    private record Read(ChatCompletionRequest request, String cacheKey) {
    }

    private void answer(RoutingContext ctx, ChatCompletionRequest request, String key) {
        if (ctx.response().closed()) {
            return; // the client left while its request was read: nothing to generate for
        }
        if (key != null) {
            ResponseCache.Entry hit = cache.get(key);
            if (hit != null) {
                Exchange exchange = new Exchange(ctx, request, null,
                        Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong()));
                exchange.deliver(hit.answer(), hit.decision(), true);
                return;
            }
        }
        Exchange exchange = new Exchange(ctx, request, key, null);
        exchange.start();
    }

    // Preparing a prompt costs time in proportion to its messages; a conversation past the bound is refused
    // before any of that work (and in OpenAI's words for the same limit).
    private void checkMessageCount(JsonNode body) {
        JsonNode messages = body.get("messages");
        if (messages != null && messages.isArray() && messages.size() > config.maxMessages()) {
            throw ApiError.invalid("messages", "array_above_max_length", "messages has " + messages.size()
                    + " entries; this server accepts at most " + config.maxMessages()
                    + " (its max-messages setting): send fewer messages, e.g. drop or summarise the oldest turns");
        }
    }

    private static JsonNode parse(RoutingContext ctx) {
        JsonNode body = RequestJson.parse(ctx.body().buffer());
        if (body == null) {
            throw ApiError.invalid(null, "the request body is empty; send a JSON chat completion request");
        }
        return body;
    }

    /** The state of one request/response, touched only on its event loop except for {@link #clientGone}. */
    private final class Exchange {
        private final RoutingContext ctx;
        private final HttpServerResponse response;
        private final ChatCompletionRequest request;
        private final String cacheKey;
        private final Context context;
        private String subtaskId;
        private ChatCompletionJson json;
        private volatile boolean clientGone;
        private boolean live;
        private boolean trailers;
        private boolean streamOpen;
        private boolean started;
        private boolean heldBack;
        private final StringBuilder streamed = new StringBuilder();

        Exchange(RoutingContext ctx, ChatCompletionRequest request, String cacheKey, String subtaskId) {
            this.ctx = ctx;
            this.response = ctx.response();
            this.request = request;
            this.cacheKey = cacheKey;
            this.context = Vertx.currentContext();
            this.subtaskId = subtaskId;
            if (subtaskId != null) {
                this.json = new ChatCompletionJson("chatcmpl-" + subtaskId, System.currentTimeMillis() / 1000);
            }
        }

        void start() {
            // A client that leaves cancels its subtask: if its generation has not started, its prompt is never processed.
            response.closeHandler(v -> {
                clientGone = true;
                if (subtaskId != null) {
                    router.cancel(subtaskId);
                }
            });
            live = request.stream() && router.localModels().contains(request.model());
            TokenListener listener = text -> {
                if (clientGone) {
                    throw new CancellationException("the client disconnected");
                }
                if (live) {
                    context.runOnContext(v -> onText(text));
                }
            };
            Future<RoutedAnswer> answer;
            try {
                Subtask subtask = new Subtask(null, request.toGenerationRequest(listener), request.model(), config.requestDeadline(), null);
                subtaskId = subtask.id();
                json = new ChatCompletionJson("chatcmpl-" + subtaskId, System.currentTimeMillis() / 1000);
                answer = router.route(subtask);
            } catch (InferenceException.InvalidRequest e) {
                throw ApiError.invalid(null, e.getMessage());
            } catch (RuntimeException e) {
                answer = Future.failedFuture(e);
            }
            answer.onComplete(ar -> context.runOnContext(v -> finish(ar)));
        }

        private void onText(String text) {
            if (response.closed() || response.ended()) {
                return;
            }
            if (!started) {
                started = true;
                heldBack = request.wantsTools() && ToolCallFormat.opensCall(text);
            }
            if (heldBack) {
                return;
            }
            if (!streamOpen) {
                openStream(null, null);
            }
            streamed.append(text);
            event(json.contentChunk(request.model(), text, request.includeUsage()));
        }

        private void finish(AsyncResult<RoutedAnswer> ar) {
            if (clientGone || response.closed()) {
                LOG.log(System.Logger.Level.DEBUG, "client of " + subtaskId + " left before the answer");
                return;
            }
            if (ar.failed()) {
                ApiError error = errors.map(ar.cause(), 500);
                if (streamOpen) {
                    event(error.toJson());
                    response.end("data: [DONE]\n\n");
                } else {
                    ErrorResponder.send(response, error);
                }
                return;
            }
            RoutedAnswer routed = ar.result();
            GenerationResult answer = routed.answer();
            if (cacheKey != null && answer.finishReason() != FinishReason.CANCELLED) {
                cache.put(cacheKey, new ResponseCache.Entry(answer, routed.decision()));
            }
            deliver(answer, routed.decision(), false);
        }

        /** Sends a complete answer: as JSON, or as a stream (the rest of a live one, or all of it). */
        void deliver(GenerationResult answer, RoutingDecision decision, boolean cached) {
            String node = answer.node() != null ? answer.node() : router.nodeName();
            if (!request.stream()) {
                decisionHeaders(decision, node);
                response.putHeader("Content-Type", "application/json")
                        .end(Buffer.buffer(bytes(json.completion(answer, decision, node, cached))));
                return;
            }
            if (!streamOpen) {
                openStream(decision, node);
            }
            String model = decision.model();
            boolean usageField = request.includeUsage();
            if (!answer.hasToolCalls()) {
                String text = answer.text();
                String rest;
                if (text.startsWith(streamed.toString())) {
                    rest = text.substring(streamed.length());
                } else {
                    // Only a router that overrides a directly named local model gets here; what was sent stays.
                    LOG.log(System.Logger.Level.WARNING, "answer of " + subtaskId + " differs from the text already streamed; "
                            + "the final answer was not sent again");
                    rest = "";
                }
                for (String piece : ChatCompletionJson.pieces(rest, STREAM_PIECE)) {
                    event(json.contentChunk(model, piece, usageField));
                }
            }
            List<ToolCall> calls = answer.toolCalls();
            for (int i = 0; i < calls.size(); i++) {
                event(json.toolCallStart(model, i, calls.get(i), usageField));
                for (String piece : ChatCompletionJson.pieces(calls.get(i).arguments(), STREAM_PIECE)) {
                    event(json.toolCallArguments(model, i, piece, usageField));
                }
            }
            event(json.finishChunk(answer, decision, node, cached, usageField));
            if (request.includeUsage()) {
                event(json.usageChunk(model, answer.usage()));
            }
            if (trailers) {
                response.trailers().set("x-cascade4j-escalated", Boolean.toString(decision.escalated()))
                        .set("x-cascade4j-confidence", confidence(decision));
                if (node != null) {
                    response.trailers().set(NODE_HEADER, node);
                }
            }
            response.end("data: [DONE]\n\n");
        }

        /** Headers and the role chunk; with a decision, every x-cascade4j header, else only what is known up front. */
        private void openStream(RoutingDecision decision, String node) {
            streamOpen = true;
            if (decision != null) {
                decisionHeaders(decision, node);
            } else {
                response.putHeader("x-cascade4j-route", request.model()).putHeader("x-cascade4j-model", request.model());
                // HTTP/1.0 has no chunked encoding, so no trailers: the finish chunk carries the same facts.
                trailers = ctx.request().version() != HttpVersion.HTTP_1_0;
                if (trailers) {
                    response.putHeader("Trailer", "x-cascade4j-escalated, x-cascade4j-confidence, " + NODE_HEADER);
                }
            }
            response.setChunked(true)
                    .putHeader("Content-Type", "text/event-stream")
                    .putHeader("Cache-Control", "no-cache")
                    .putHeader("X-Accel-Buffering", "no");
            event(json.roleChunk(decision == null ? request.model() : decision.model(), request.includeUsage()));
        }

        private void decisionHeaders(RoutingDecision d, String node) {
            response.putHeader("x-cascade4j-route", d.route() == null ? "none" : d.route())
                    .putHeader("x-cascade4j-model", d.model())
                    .putHeader("x-cascade4j-escalated", Boolean.toString(d.escalated()))
                    .putHeader("x-cascade4j-confidence", confidence(d));
            if (node != null) {
                response.putHeader(NODE_HEADER, node);
            }
        }

        private void event(ObjectNode data) {
            response.write(Buffer.buffer("data: ").appendBytes(bytes(data)).appendString("\n\n"));
        }
    }

    private static String confidence(RoutingDecision d) {
        double c = d.generationConfidence();
        return Double.isNaN(c) ? "none" : String.format(Locale.ROOT, "%.4f", c);
    }

    private static byte[] bytes(ObjectNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
