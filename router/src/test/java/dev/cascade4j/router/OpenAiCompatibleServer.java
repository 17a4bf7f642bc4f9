package dev.cascade4j.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cascade4j.inference.ChatMessage;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.LocalModel;
import dev.cascade4j.inference.ResponseFormat;
import dev.cascade4j.inference.ToolCall;
import dev.cascade4j.inference.ToolChoice;
import dev.cascade4j.inference.ToolSpec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal OpenAI-compatible chat completions endpoint over a local model, so tests can escalate
 * to a real second model through langchain4j's OpenAiChatModel and HTTP.
 */
final class OpenAiCompatibleServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LocalModel model;
    private final HttpServer server;
    final AtomicInteger requests = new AtomicInteger();

    private OpenAiCompatibleServer(Vertx vertx, LocalModel model) {
        this.model = model;
        io.vertx.ext.web.Router web = io.vertx.ext.web.Router.router(vertx);
        web.post("/v1/chat/completions").handler(BodyHandler.create()).handler(this::complete);
        this.server = vertx.createHttpServer().requestHandler(web);
    }

    static OpenAiCompatibleServer start(Vertx vertx, LocalModel model) throws Exception {
        OpenAiCompatibleServer s = new OpenAiCompatibleServer(vertx, model);
        s.server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
        return s;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort() + "/v1";
    }

    private void complete(RoutingContext rc) {
        requests.incrementAndGet();
        GenerationRequest request;
        try {
            request = toRequest(JSON.readTree(rc.body().asString()));
        } catch (Exception e) {
            rc.response().setStatusCode(400).putHeader("content-type", "application/json")
                    .end(JSON.createObjectNode().set("error", JSON.createObjectNode().put("message", String.valueOf(e.getMessage()))).toString());
            return;
        }
        Future.fromCompletionStage(model.submit(request).result(), rc.vertx().getOrCreateContext())
                .onSuccess(r -> rc.response().putHeader("content-type", "application/json").end(toResponse(r).toString()))
                .onFailure(e -> rc.response().setStatusCode(500).putHeader("content-type", "application/json")
                        .end(JSON.createObjectNode().set("error", JSON.createObjectNode().put("message", String.valueOf(e.getMessage()))).toString()));
    }

    private static GenerationRequest toRequest(JsonNode body) throws Exception {
        GenerationRequest.Builder b = GenerationRequest.builder();
        for (JsonNode m : body.path("messages")) {
            String content = m.path("content").isTextual() ? m.path("content").asText() : "";
            switch (m.path("role").asText()) {
                case "system", "developer" -> b.system(content);
                case "user" -> b.user(content);
                case "tool" -> b.message(ChatMessage.toolResult(m.path("tool_call_id").asText(null), m.path("name").asText(null), content));
                default -> {
                    List<ToolCall> calls = new ArrayList<>();
                    for (JsonNode c : m.path("tool_calls")) {
                        calls.add(new ToolCall(c.path("id").asText(), c.path("function").path("name").asText(),
                                c.path("function").path("arguments").asText()));
                    }
                    b.message(calls.isEmpty() ? ChatMessage.assistant(content) : ChatMessage.assistant(calls));
                }
            }
        }
        List<ToolSpec> tools = new ArrayList<>();
        for (JsonNode t : body.path("tools")) {
            JsonNode f = t.path("function");
            tools.add(new ToolSpec(f.path("name").asText(), f.path("description").asText(""), f.get("parameters")));
        }
        b.tools(tools);
        JsonNode choice = body.get("tool_choice");
        if (choice != null && !tools.isEmpty()) {
            b.toolChoice(choice.isTextual() ? switch (choice.asText()) {
                case "required" -> ToolChoice.REQUIRED;
                case "none" -> ToolChoice.NONE;
                default -> ToolChoice.AUTO;
            } : ToolChoice.named(choice.path("function").path("name").asText()));
        }
        JsonNode format = body.path("response_format");
        switch (format.path("type").asText("text")) {
            case "json_schema" -> b.responseFormat(ResponseFormat.jsonSchema(format.path("json_schema").path("schema")));
            case "json_object" -> b.responseFormat(ResponseFormat.JSON_OBJECT);
            default -> { }
        }
        int max = body.path("max_completion_tokens").asInt(body.path("max_tokens").asInt(256));
        b.maxTokens(Math.min(max, 48)); // short answers keep the tests quick on a busy machine
        return b.build();
    }

    private ObjectNode toResponse(GenerationResult r) {
        ObjectNode out = JSON.createObjectNode().put("id", "chatcmpl-test").put("object", "chat.completion")
                .put("created", System.currentTimeMillis() / 1000).put("model", model.info().name());
        ObjectNode message = JSON.createObjectNode().put("role", "assistant");
        if (r.hasToolCalls()) {
            message.putNull("content");
            ArrayNode calls = message.putArray("tool_calls");
            for (ToolCall c : r.toolCalls()) {
                calls.addObject().put("id", c.id()).put("type", "function")
                        .putObject("function").put("name", c.name()).put("arguments", c.arguments());
            }
        } else {
            message.put("content", r.text());
        }
        out.putArray("choices").addObject().put("index", 0).<ObjectNode>set("message", message)
                .put("finish_reason", r.hasToolCalls() ? "tool_calls" : switch (r.finishReason()) {
                    case LENGTH -> "length";
                    default -> "stop";
                });
        out.putObject("usage").put("prompt_tokens", r.usage().promptTokens()).put("completion_tokens", r.usage().completionTokens())
                .put("total_tokens", r.usage().promptTokens() + r.usage().completionTokens());
        return out;
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get();
    }
}
