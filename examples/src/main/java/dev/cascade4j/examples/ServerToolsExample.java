package dev.cascade4j.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade4j.router.CascadeRouter;
import dev.cascade4j.tools.ToolRegistry;
import dev.cascade4j.tools.http.OpenAiServer;
import dev.cascade4j.tools.http.ServerConfig;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiChatResponseMetadata;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The OpenAI-compatible server with tools of its own, called by a client that speaks only OpenAI's
 * protocol. The server (in this JVM, on the embedded router) holds the support desk's tools; the
 * client reads them from {@code GET /v1/tools}, offers them to the model in ordinary chat completions
 * (langchain4j's {@code OpenAiChatModel} with its base URL changed), runs each call the model makes with
 * {@code POST /v1/tools/{name}/invoke}, and sends the result back until the model answers.
 * Run it with {@code ./cascade4j server-tools [QUESTION]}.
 */
public final class ServerToolsExample {
    static final String DEFAULT_QUESTION = "Has order A-1023 been shipped yet, and when will it arrive?";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private ServerToolsExample() {
    }

    public static void main(String[] args) {
        String question = args.length > 0 ? String.join(" ", args) : DEFAULT_QUESTION;
        // readme:server-tools-begin
        Vertx vertx = Vertx.vertx();
        try (CascadeRouter router = CascadeRouter.builder(vertx).build();     // the embedded two-tier cascade
             OpenAiServer server = OpenAiServer.builder().vertx(vertx).router(router)
                     .tools(ToolRegistry.builder().annotated(SupportDesk.load()).build())    // listed at /v1/tools
                     .config(ServerConfig.defaults().withPort(0))              // a free port on 127.0.0.1
                     .build()) {
            server.start().await();
            String baseUrl = "http://127.0.0.1:" + server.port() + "/v1";
            System.out.println("server on " + baseUrl);
            Conversation c = ask(baseUrl, question, 4, System.out::println);   // from here on, only HTTP
            System.out.println("answer: " + (c.answer() == null ? "none within " + c.rounds() + " rounds" : c.answer()));
        } finally {
            vertx.close().await();                                             // Vert.x's threads would keep the JVM running
        }
        // readme:server-tools-end
    }

    /** What a conversation took: chat completions sent, tools invoked on the server, and the answer ({@code null} if none came). */
    record Conversation(int rounds, List<String> invoked, String answer) {
    }

    /** An OpenAI client's side of the conversation: nothing here knows the server is cascade4j, but for the headers it prints. */
    static Conversation ask(String baseUrl, String question, int maxRounds, Consumer<String> print) {
        List<ToolSpecification> tools = listTools(baseUrl);
        print.accept("tools offered by the server: " + tools.stream().map(ToolSpecification::name).toList());
        OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(baseUrl).apiKey("none")   // this server was started without a key
                .modelName("auto")                                             // let the router choose the route
                .timeout(Duration.ofMinutes(5)).build();
        List<ChatMessage> messages = new ArrayList<>(List.of(UserMessage.from(question)));
        List<String> invoked = new ArrayList<>();
        for (int round = 1; round <= maxRounds; round++) {
            ChatResponse response = model.chat(ChatRequest.builder().messages(messages).toolSpecifications(tools).build());
            print.accept("POST /chat/completions: " + served(response));
            AiMessage ai = response.aiMessage();
            if (!ai.hasToolExecutionRequests()) {
                return new Conversation(round, invoked, ai.text());
            }
            messages.add(ai);
            for (ToolExecutionRequest call : ai.toolExecutionRequests()) {
                String result = invoke(baseUrl, call);
                invoked.add(call.name());
                print.accept("  " + call.name() + call.arguments() + " -> POST /tools/" + call.name() + "/invoke -> " + result);
                messages.add(ToolExecutionResultMessage.from(call, result));
            }
        }
        return new Conversation(maxRounds, invoked, null);
    }

    /** The status and cascade4j's headers (route, model, escalated, confidence) of the HTTP response behind a chat response. */
    static String served(ChatResponse response) {
        if (!(response.metadata() instanceof OpenAiChatResponseMetadata openAi) || openAi.rawHttpResponse() == null) {
            return "(no HTTP response kept)";
        }
        Map<String, String> cascade = new TreeMap<>();
        openAi.rawHttpResponse().headers().forEach((name, values) -> {
            if (name.toLowerCase(Locale.ROOT).startsWith("x-cascade4j-")) {
                cascade.put(name.toLowerCase(Locale.ROOT), String.join(",", values));
            }
        });
        return openAi.rawHttpResponse().statusCode() + " " + cascade;
    }

    /** The server's tools, from its OpenAI-format list, as langchain4j specifications. */
    static List<ToolSpecification> listTools(String baseUrl) {
        JsonNode list = http(HttpRequest.newBuilder(URI.create(baseUrl + "/tools")).GET().build());
        if (!list.path("data").isArray()) {
            throw new IllegalStateException("GET " + baseUrl + "/tools did not answer with a list of tools: " + list);
        }
        List<ToolSpecification> specs = new ArrayList<>();
        for (JsonNode tool : list.path("data")) {
            JsonNode fn = tool.path("function");
            specs.add(ToolSpecification.builder().name(fn.path("name").asText()).description(fn.path("description").asText())
                    .parameters(parameters(fn.path("parameters"))).build());
        }
        return specs;
    }

    /** A flat JSON schema (the server's tools take strings and numbers) as langchain4j's schema type. */
    private static JsonObjectSchema parameters(JsonNode schema) {
        JsonObjectSchema.Builder b = JsonObjectSchema.builder();
        schema.path("properties").properties().forEach(p -> {
            String description = p.getValue().path("description").asText(null);
            switch (p.getValue().path("type").asText()) {
                case "integer" -> b.addIntegerProperty(p.getKey(), description);
                case "number" -> b.addNumberProperty(p.getKey(), description);
                case "boolean" -> b.addBooleanProperty(p.getKey(), description);
                default -> b.addStringProperty(p.getKey(), description);
            }
        });
        List<String> required = new ArrayList<>();
        schema.path("required").forEach(r -> required.add(r.asText()));
        return b.required(required).build();
    }

    /** Runs one call on the server; the result is what the tool returned, or what went wrong, for the model to read. */
    private static String invoke(String baseUrl, ToolExecutionRequest call) {
        JsonNode r = http(HttpRequest.newBuilder(URI.create(baseUrl + "/tools/" + call.name() + "/invoke"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(call.arguments())).build());
        if (!r.has("content")) {    // arguments the tool's schema refused: the model reads why
            return "error: " + r.path("error").path("message").asText(r.toString());
        }
        return r.path("status").asText().equals("ok") ? r.path("content").asText() : r.path("status").asText() + ": " + r.path("content").asText();
    }

    private static JsonNode http(HttpRequest request) {
        try {
            return JSON.readTree(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body());
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + request.method() + " " + request.uri(), e);
        }
    }
}
