package dev.cascade4j.router.internal.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade4j.inference.ChatMessage;
import dev.cascade4j.inference.Confidence;
import dev.cascade4j.inference.FinishReason;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.ResponseFormat;
import dev.cascade4j.inference.SamplingParams;
import dev.cascade4j.inference.Timings;
import dev.cascade4j.inference.TokenListener;
import dev.cascade4j.inference.ToolCall;
import dev.cascade4j.inference.ToolChoice;
import dev.cascade4j.inference.ToolSpec;
import dev.cascade4j.inference.Usage;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Every message between router and model nodes survives its wire form, and a foreign version is refused. */
class ModelWireTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static List<GenerationRequest> requests() throws Exception {
        var weather = new ToolSpec("get_weather", "Weather of a city",
                JSON.readTree("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}"));
        var sampling = new SamplingParams(0.7, 0.9, 40, 0.05, 42, 128, List.of("\n\n", "END"));
        var history = List.of(ChatMessage.system("Be brief."), ChatMessage.user("Weather in Oslo?"),
                ChatMessage.assistant(List.of(new ToolCall("call-1", "get_weather", "{\"city\":\"Oslo\"}"))),
                ChatMessage.toolResult("call-1", "get_weather", "{\"celsius\":-3}"));
        return List.of(
                GenerationRequest.builder().messages(history).sampling(sampling).tools(List.of(weather))
                        .toolChoice(ToolChoice.named("get_weather")).parallelToolCalls(true).build(),
                GenerationRequest.builder().user("Hi ☃ \u0000 \"quoted\"").build(),
                GenerationRequest.builder().user("JSON").responseFormat(new ResponseFormat.JsonObject()).build(),
                GenerationRequest.builder().user("schema").responseFormat(new ResponseFormat.JsonSchema(
                        JSON.readTree("{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\",\"minimum\":1}}}"))).build(),
                GenerationRequest.builder().user("grammar").responseFormat(new ResponseFormat.Grammar("root ::= \"yes\" | \"no\"", "root")).build());
    }

    @ParameterizedTest
    @MethodSource("requests")
    void aCallRoundTrips(GenerationRequest request) {
        TokenListener listener = text -> { };
        var call = new ModelWire.Call("id-1#1", "cascade4j.calls.x", true, request);
        var back = ModelWire.decodeCall(ModelWire.encode(call), (id, replyTo) -> {
            assertEquals("id-1#1", id);
            assertEquals("cascade4j.calls.x", replyTo);
            return listener;
        });
        assertEquals(call.id(), back.id());
        assertEquals(call.replyTo(), back.replyTo());
        assertTrue(back.stream());
        assertSame(listener, back.request().listener());
        GenerationRequest r = back.request();
        assertEquals(request.messages(), r.messages());
        assertEquals(request.sampling(), r.sampling());
        assertEquals(request.tools(), r.tools());
        assertEquals(request.toolChoice(), r.toolChoice());
        assertEquals(request.parallelToolCalls(), r.parallelToolCalls());
        assertEquals(request.responseFormat(), r.responseFormat());
    }

    @Test
    void anUnstreamedCallGetsNoListener() throws Exception {
        var call = new ModelWire.Call("id", "to", false, requests().get(1));
        var back = ModelWire.decodeCall(ModelWire.encode(call), (id, replyTo) -> {
            throw new AssertionError("asked for a listener");
        });
        assertSame(TokenListener.NONE, back.request().listener());
    }

    @Test
    void everyEventRoundTrips() {
        var result = new GenerationResult("", List.of(new ToolCall("c1", "f", "{\"a\":[1,2]}"), new ToolCall("c2", "g", "{}")),
                FinishReason.TOOL_CALLS, new Confidence(0.8, 3, 0.5, 0.6, -0.2, 0.3, 0.4, 0.9), new Usage(100, 64, 20, 5),
                new Timings(1.5, 20.25, 300.125), "model-2");
        List<ModelWire.Event> events = List.of(new ModelWire.Text("c", 7, "tok\u00e9n 🙂"), new ModelWire.Result("c", 8, result),
                new ModelWire.Error("c", "invalid", "prompt too long"));
        for (ModelWire.Event e : events) {
            assertEquals(e, ModelWire.decodeEvent(ModelWire.encode(e)));
        }
    }

    @Test
    void anotherVersionIsRefusedSayingWhatToDo() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> ModelWire.decodeEvent(Buffer.buffer("{\"v\":2,\"type\":\"text\",\"call\":\"c\",\"seq\":0,\"text\":\"x\"}")));
        assertTrue(e.getMessage().contains("wire version 2, this node speaks 1"), e.getMessage());
        assertTrue(e.getMessage().contains("same cascade4j release"), e.getMessage());
    }

    @Test
    void fieldsANewerNodeAddsAreIgnoredAndGarbageIsRefused() {
        var text = ModelWire.decodeEvent(Buffer.buffer("{\"v\":1,\"type\":\"text\",\"call\":\"c\",\"seq\":0,\"text\":\"x\",\"extra\":true}"));
        assertEquals(new ModelWire.Text("c", 0, "x"), text);
        assertThrows(IllegalArgumentException.class, () -> ModelWire.decodeEvent(Buffer.buffer("not json")));
        assertThrows(IllegalArgumentException.class, () -> ModelWire.decodeEvent(Buffer.buffer("{\"v\":1,\"type\":\"shout\",\"call\":\"c\"}")));
    }
}
