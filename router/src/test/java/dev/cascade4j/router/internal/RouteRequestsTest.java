package dev.cascade4j.router.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade4j.inference.ChatMessage;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.ResponseFormat;
import dev.cascade4j.inference.ToolChoice;
import dev.cascade4j.inference.ToolSpec;
import dev.cascade4j.router.config.Route;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the router sends a route's SLM, and the text it classifies. */
class RouteRequestsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final JsonNode EMPTY = JSON.createObjectNode().put("type", "object");
    static final ToolSpec WEATHER = new ToolSpec("get_weather", "Weather for a city.", EMPTY);
    static final ToolSpec TIMER = new ToolSpec("set_timer", "Start a timer.", EMPTY);
    static final ToolSpec SHELL = new ToolSpec("run_shell", "Run a command.", EMPTY);

    static Route.Builder route() {
        return Route.builder("r").model("m").systemPrompt("Be brief.");
    }

    @Test
    void theRoutesSystemPromptComesFirstUnlessTheRequestHasItsOwn() {
        GenerationRequest plain = GenerationRequest.builder().user("hi").build();
        assertEquals(List.of(ChatMessage.system("Be brief."), ChatMessage.user("hi")), RouteRequests.forRoute(route().build(), plain).messages());
        GenerationRequest own = GenerationRequest.builder().system("Be long.").user("hi").build();
        assertEquals(own.messages(), RouteRequests.forRoute(route().build(), own).messages());
    }

    @Test
    void theRequestsToolsAreLimitedToTheRoutesAndANamedToolOutsideThemIsDropped() {
        Route limited = route().toolNames(List.of("get_weather", "set_timer")).build();
        GenerationRequest named = GenerationRequest.builder().user("x").tools(List.of(WEATHER, SHELL, TIMER))
                .toolChoice(ToolChoice.named("run_shell")).build();
        GenerationRequest sent = RouteRequests.forRoute(limited, named);
        assertEquals(List.of(WEATHER, TIMER), sent.tools());
        assertEquals(ToolChoice.REQUIRED, sent.toolChoice(), "the named tool is not the route's: one of the route's is required");

        GenerationRequest onlyForeign = GenerationRequest.builder().user("x").tools(List.of(SHELL)).toolChoice(ToolChoice.REQUIRED).build();
        GenerationRequest none = RouteRequests.forRoute(limited, onlyForeign);
        assertEquals(List.of(), none.tools());
        assertEquals(ToolChoice.AUTO, none.toolChoice());
    }

    @Test
    void aRequestWithoutToolsOrFormatGetsTheRoutesToolsElseItsSchema() {
        GenerationRequest plain = GenerationRequest.builder().user("x").build();
        assertEquals(List.of(TIMER), RouteRequests.forRoute(route().tools(List.of(TIMER)).build(), plain).tools());
        assertEquals(ResponseFormat.jsonSchema(EMPTY), RouteRequests.forRoute(route().outputSchema(EMPTY).build(), plain).responseFormat());

        GenerationRequest withTools = GenerationRequest.builder().user("x").tools(List.of(WEATHER)).build();
        assertEquals(new ResponseFormat.Text(), RouteRequests.forRoute(route().outputSchema(EMPTY).build(), withTools).responseFormat(),
                "a request with tools is answered with a tool call, not the route's JSON");
        GenerationRequest ownFormat = GenerationRequest.builder().user("x").responseFormat(new ResponseFormat.JsonObject()).build();
        assertEquals(new ResponseFormat.JsonObject(), RouteRequests.forRoute(route().outputSchema(EMPTY).build(), ownFormat).responseFormat());
    }

    @Test
    void theClassifiedTextIsTheLastReadableUserMessageElseEverythingClipped() {
        GenerationRequest turns = GenerationRequest.builder().user("first question").message(ChatMessage.assistant("answer"))
                .user("second question").message(ChatMessage.user("\u0000\u0001 ")).build();
        assertEquals("second question", RouteRequests.classificationText(turns));
        GenerationRequest noUser = GenerationRequest.builder().system("sys").message(ChatMessage.assistant("said")).build();
        assertEquals("sys\nsaid", RouteRequests.classificationText(noUser));
        assertEquals(2000, RouteRequests.classificationText(GenerationRequest.builder().user("a".repeat(5000)).build()).length());
    }
}
