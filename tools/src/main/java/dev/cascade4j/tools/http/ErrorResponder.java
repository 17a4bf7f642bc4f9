package dev.cascade4j.tools.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.router.RouterException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.impl.VertxConnection;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletionException;

/**
 * Turns any failure into an OpenAI-style error with the right status: the client's mistakes into 4xx
 * naming what to fix, a busy model into 429 with Retry-After, and anything else into a 500 that
 * carries an incident id, never a stack trace; the trace goes to the server log under that id.
 */
final class ErrorResponder {
    private static final System.Logger LOG = System.getLogger(ErrorResponder.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final long bodyLimitBytes;

    ErrorResponder(long bodyLimitBytes) {
        this.bodyLimitBytes = bodyLimitBytes;
    }

    /** The failure handler of every route. */
    void handle(RoutingContext ctx) {
        if (bodyUnreadable(ctx)) {
            LOG.log(System.Logger.Level.DEBUG, "request body unreadable: " + ctx.failure());
            send(ctx.response(), ApiError.invalid(null, "invalid_body", "the request body could not be read: its chunked "
                    + "encoding is malformed or it ended early; send a Content-Length or well-formed chunks"));
            // Vert.x flushes at the end of the read that brought the bad bytes, but closes the connection first
            // on a decoding failure: without this flush the client would get no answer at all.
            if (ctx.request().connection() instanceof VertxConnection connection) {
                connection.flush();
            }
            return;
        }
        send(ctx.response(), map(ctx.failure(), ctx.statusCode()));
    }

    /**
     * A failure before the body was read. Every POST route reads the whole body before any handler of
     * ours runs, so a failure there that is not ours comes from the transport: a malformed chunked
     * encoding, or a connection cut mid-body. That is the client's doing, not an incident.
     */
    private static boolean bodyUnreadable(RoutingContext ctx) {
        return ctx.failure() != null && !(ctx.failure() instanceof ApiError) && ctx.request().method() == HttpMethod.POST
                && !ctx.request().isEnded();
    }

    ApiError map(Throwable failure, int statusCode) {
        Throwable e = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return switch (e) {
            case ApiError api -> api;
            case RouterException.UnknownRoute unknown -> ApiError.notFound("model", "model_not_found",
                    unknown.getMessage() + "; GET /v1/models lists them");
            case RouterException.Overloaded busy -> ApiError.overloaded(busy.getMessage(),
                    busy.retryAfter() == null ? Duration.ofSeconds(1) : busy.retryAfter());
            case RouterException.Unavailable gone -> new ApiError(503, "server_error", null, "model_unavailable", gone.getMessage(),
                    gone.retryAfter());
            case RouterException.InvalidRequest invalid -> invalidRequest(invalid.getCause() != null ? invalid.getCause() : invalid);
            case InferenceException.InvalidRequest invalid -> invalidRequest(invalid);
            case InferenceException.Overloaded busy -> ApiError.overloaded(busy.getMessage(), Duration.ofSeconds(1));
            case null -> byStatus(statusCode);
            default -> internal(e);
        };
    }

    private static ApiError invalidRequest(Throwable cause) {
        String message = cause.getMessage();
        if (cause instanceof InferenceException.UnsupportedSchema) {
            return ApiError.invalid(null, "invalid_schema", message);
        }
        if (message != null && message.contains("context holds")) {
            return ApiError.invalid("messages", "context_length_exceeded", message);
        }
        return ApiError.invalid(null, message);
    }

    private ApiError byStatus(int status) {
        return switch (status) {
            case 413 -> new ApiError(413, "invalid_request_error", null, "request_too_large",
                    "the request body is larger than this server's limit of " + bodyLimitBytes
                            + " bytes; send less, or raise body-limit-bytes in the server config", null);
            case 404 -> ApiError.notFound(null, "not_found", "no such endpoint; the server offers POST /v1/chat/completions, "
                    + "GET /v1/models, GET /v1/tools, POST /v1/tools/{name}/invoke, GET /health, GET /ready, GET /metrics");
            case 405 -> new ApiError(405, "invalid_request_error", null, "method_not_allowed", "this endpoint does not take that HTTP method", null);
            case 400 -> ApiError.invalid(null, "the request is malformed");
            default -> status >= 400 && status < 500
                    ? new ApiError(status, "invalid_request_error", null, null, "request rejected with status " + status, null)
                    : internal(new IllegalStateException("failed with status " + status + " and no exception"));
        };
    }

    private static ApiError internal(Throwable e) {
        String incident = UUID.randomUUID().toString().substring(0, 8);
        LOG.log(System.Logger.Level.ERROR, "incident " + incident + ": request failed", e);
        return ApiError.internal(incident);
    }

    static void send(HttpServerResponse response, ApiError error) {
        if (response.headWritten() || response.closed()) {
            return;
        }
        if (error.retryAfter() != null) {
            response.putHeader("Retry-After", Long.toString(Math.max(1, (error.retryAfter().toMillis() + 999) / 1000)));
        }
        if (error.status() == 401) {
            response.putHeader("WWW-Authenticate", "Bearer");
        }
        response.setStatusCode(error.status()).putHeader("Content-Type", "application/json").end(json(error));
    }

    static Buffer json(ApiError error) {
        try {
            return Buffer.buffer(JSON.writeValueAsBytes(error.toJson()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
