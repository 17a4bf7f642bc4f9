package dev.cascade4j.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade4j.inference.FinishReason;
import dev.cascade4j.inference.ResponseFormat;
import dev.cascade4j.router.RequestShape;
import dev.cascade4j.router.RouterException;
import dev.langchain4j.exception.LangChain4jException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.service.AiServices;
import io.vertx.core.Future;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What CascadeChatModel sends and returns for an AiService, whatever a model would say: on a scripted router. */
class CascadeChatModelContractTest {

    record Contact(String name, String email, String city) {
    }

    interface Extractor {
        Contact extract(String text);
    }

    private static Extractor extractor(ScriptedRouter router) {
        return AiServices.create(Extractor.class, CascadeChatModel.builder().router(router).deadline(Duration.ofSeconds(5)).build());
    }

    @Test
    void aRecordIsAskedForAsStructuredOutputWithEveryComponentRequired() {
        ScriptedRouter router = ScriptedRouter.answers(s -> Future.succeededFuture(ScriptedRouter.text(
                "{\"name\":\"Maria Lopez\",\"email\":\"maria@example.com\",\"city\":\"Lisbon\"}", FinishReason.STOP)));

        Contact contact = extractor(router).extract("Maria Lopez, maria@example.com, Lisbon");

        assertEquals(new Contact("Maria Lopez", "maria@example.com", "Lisbon"), contact);
        var request = router.asked.getFirst().request();
        // The shape, not the words, keeps tool_call out of the candidates.
        assertEquals(RequestShape.STRUCTURED, RequestShape.of(request));
        var schema = ((ResponseFormat.JsonSchema) request.responseFormat()).schema();
        assertEquals("[\"name\",\"email\",\"city\"]", schema.get("required").toString(), schema.toString());
    }

    @Test
    void anAnswerCutOffAtTheDeadlineIsATimeoutThatSaysWhatToChange() {
        ScriptedRouter router = ScriptedRouter.answers(s -> Future.succeededFuture(
                ScriptedRouter.text("{\"name\":\"Maria Lo", FinishReason.CANCELLED)));

        var e = assertThrows(TimeoutException.class, () -> extractor(router).extract("Maria Lopez, maria@example.com, Lisbon"));

        assertTrue(e.getMessage().contains("deadline of 5000 ms") && e.getMessage().contains("deadline(...)"), e.getMessage());
    }

    @Test
    void jsonCutOffAtTheTokenLimitIsAnErrorNotAHalfParsedRecord() {
        ScriptedRouter router = ScriptedRouter.answers(s -> Future.succeededFuture(
                ScriptedRouter.text("{\"name\":\"Maria Lo", FinishReason.LENGTH)));

        var e = assertThrows(LangChain4jException.class, () -> extractor(router).extract("Maria Lopez, maria@example.com, Lisbon"));

        assertTrue(e.getMessage().contains("cut off at the token limit"), e.getMessage());
    }

    @Test
    void aRouterThatRanOutOfTimeIsATimeout() {
        ScriptedRouter router = ScriptedRouter.answers(s -> Future.failedFuture(
                new RouterException.DeadlineExceeded("no SLM answer within the deadline of 5000 ms")));

        var e = assertThrows(TimeoutException.class, () -> extractor(router).extract("Maria Lopez, maria@example.com, Lisbon"));

        assertTrue(e.getMessage().contains("CascadeChatModel.builder().deadline(...)"), e.getMessage());
    }
}
