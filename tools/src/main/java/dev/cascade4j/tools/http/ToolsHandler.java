package dev.cascade4j.tools.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cascade4j.tools.ToolExecutor;
import dev.cascade4j.tools.ToolResult;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

/**
 * {@code GET /v1/tools} (the registry in the OpenAI tool format) and
 * {@code POST /v1/tools/{name}/invoke} (body: the arguments object). Arguments that do not validate
 * are a 400 listing each problem, an unknown tool a 404, busy execution slots a 429; a tool that ran,
 * whether it succeeded, threw or timed out, answers 200 with its {@link ToolResult}, whose status
 * says which.
 */
final class ToolsHandler {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ToolExecutor executor;

    ToolsHandler(ToolExecutor executor) {
        this.executor = executor;
    }

    void list(RoutingContext ctx) {
        ObjectNode body = JSON.createObjectNode().put("object", "list");
        body.set("data", executor.registry().toOpenAiFormat());
        json(ctx, 200, body);
    }

    void invoke(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        if (!executor.registry().names().contains(name)) {
            throw ApiError.notFound("name", "tool_not_found", "no tool named '" + name + "'; GET /v1/tools lists them");
        }
        JsonNode parsed = RequestJson.parse(ctx.body().buffer());
        JsonNode arguments = parsed == null ? JSON.createObjectNode() : parsed;
        Context context = Vertx.currentContext();
        executor.execute(name, arguments).whenComplete((result, error) -> context.runOnContext(v -> {
            if (error != null) {
                ctx.fail(error);
                return;
            }
            switch (result.status()) {
                case INVALID_ARGUMENTS -> ErrorResponder.send(ctx.response(), ApiError.invalid("arguments", "invalid_arguments", result.content()));
                case UNKNOWN_TOOL -> ErrorResponder.send(ctx.response(), ApiError.notFound("name", "tool_not_found", result.content()));
                case REJECTED -> ErrorResponder.send(ctx.response(), ApiError.overloaded(result.content(), Duration.ofSeconds(1)));
                default -> json(ctx, 200, resultJson(result));
            }
        }));
    }

    static ObjectNode resultJson(ToolResult r) {
        ObjectNode node = JSON.createObjectNode()
                .put("tool", r.tool())
                .put("status", r.status().name().toLowerCase())
                .put("content", r.content())
                .put("elapsed_ms", r.elapsed().toNanos() / 1e6);
        if (!r.errors().isEmpty()) {
            r.errors().forEach(node.putArray("errors")::add);
        }
        return node;
    }

    static void json(RoutingContext ctx, int status, JsonNode body) {
        if (ctx.response().closed()) {
            return;
        }
        try {
            ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                    .end(Buffer.buffer(JSON.writeValueAsBytes(body)));
        } catch (JsonProcessingException e) {
            ctx.fail(e);
        }
    }
}
