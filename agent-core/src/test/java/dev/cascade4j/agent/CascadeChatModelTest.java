package dev.cascade4j.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade4j.router.CascadeRouter;
import dev.cascade4j.router.RoutingDecision;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.service.AiServices;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The router as a langchain4j ChatModel: an AiService on top of it, on the real SmolLM2. */
class CascadeChatModelTest {
    private static Vertx vertx;
    private static CascadeRouter router;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        router = CascadeRouter.builder(vertx).config(TinyCascade.config()).build();
    }

    @AfterAll
    static void stop() {
        router.close();
        vertx.close().await();
    }

    record Contact(String name, String email) {
    }

    interface Extractor {
        Contact extract(String text);
    }

    @Test
    void anAiServiceGetsStructuredOutputThroughTheRouter() {
        Extractor extractor = AiServices.create(Extractor.class, CascadeChatModel.builder().router(router).build());

        Contact contact = extractor.extract("Extract the contact from this signature: Maria Lopez, maria.lopez@example.com");

        assertTrue(contact.name() != null && contact.name().contains("Maria"), String.valueOf(contact));
        assertEquals("maria.lopez@example.com", contact.email());
    }

    @Test
    void theResponseSaysHowItWasRouted() {
        ToolSpecification sendEmail = ToolSpecification.builder().name("send_email").description("Sends an email")
                .parameters(JsonObjectSchema.builder().addStringProperty("to").addStringProperty("body").required("to", "body").build())
                .build();
        // A deadline a shared, loaded machine can meet: a call cut off at it is a TimeoutException, not a response.
        ChatResponse response = CascadeChatModel.builder().router(router).deadline(Duration.ofMinutes(5)).build()
                .chat(ChatRequest.builder().messages(UserMessage.from("Send an email to Tom saying the meeting moved to Friday."))
                        .toolSpecifications(sendEmail).build());

        RoutedChatResponseMetadata metadata = assertInstanceOf(RoutedChatResponseMetadata.class, response.metadata());
        RoutingDecision decision = metadata.decision();
        assertNotNull(decision);
        // A request that carries tools goes to the route that takes tools, whatever its words.
        assertEquals("tool_call", decision.route(), decision.toString());
        assertEquals(1.0, decision.classifierConfidence(), decision.toString());
        assertTrue(response.aiMessage().hasToolExecutionRequests() || !response.aiMessage().text().isBlank(), String.valueOf(response.aiMessage()));
    }

    @Test
    void anAiServiceWhoseCallRunsOutOfTimeGetsATimeoutNotAPartialRecord() {
        Extractor extractor = AiServices.create(Extractor.class, CascadeChatModel.builder().router(router).deadline(Duration.ofMillis(1)).build());

        var e = assertThrows(TimeoutException.class, () -> extractor.extract("Extract the contact: Maria Lopez, maria.lopez@example.com"));

        assertTrue(e.getMessage().contains("deadline"), e.getMessage());
    }

    @Test
    void anUnknownRouteIsLangChain4jsModelNotFound() {
        var model = CascadeChatModel.builder().router(router).route("no-such-route").build();

        var e = assertThrows(ModelNotFoundException.class, () -> model.chat("hello"));

        assertTrue(e.getMessage().contains("no-such-route"), e.getMessage());
    }
}
