package dev.cascade4j.tools.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;

/**
 * An error answered in OpenAI's shape, {@code {"error":{"message","type","param","code"}}}, with its
 * HTTP status. The message says what to fix; {@code param} names the offending request field.
 */
final class ApiError extends RuntimeException {
    private final int status;
    private final String type;
    private final String param;
    private final String code;
    private final Duration retryAfter;

    public ApiError(int status, String type, String param, String code, String message, Duration retryAfter) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
        this.retryAfter = retryAfter;
    }

    /** 400: the request is wrong; {@code param} names the field. */
    public static ApiError invalid(String param, String message) {
        return new ApiError(400, "invalid_request_error", param, null, message, null);
    }

    public static ApiError invalid(String param, String code, String message) {
        return new ApiError(400, "invalid_request_error", param, code, message, null);
    }

    public static ApiError notFound(String param, String code, String message) {
        return new ApiError(404, "invalid_request_error", param, code, message, null);
    }

    public static ApiError overloaded(String message, Duration retryAfter) {
        return new ApiError(429, "rate_limit_error", null, "rate_limit_exceeded", message, retryAfter);
    }

    public static ApiError unauthorized(String message) {
        return new ApiError(401, "invalid_request_error", null, "invalid_api_key", message, null);
    }

    /** 500 without details: what went wrong is in the server's log, under {@code incident}. */
    public static ApiError internal(String incident) {
        return new ApiError(500, "server_error", null, "internal_error",
                "the server failed to answer this request; the server log has the details under incident " + incident, null);
    }

    public int status() {
        return status;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }

    public String type() {
        return type;
    }

    public ObjectNode toJson() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", getMessage());
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        return root;
    }
}
