package dev.cascade4j.router.internal.escalate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade4j.inference.ChatMessage;
import dev.cascade4j.inference.Confidence;
import dev.cascade4j.inference.FinishReason;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.ResponseFormat;
import dev.cascade4j.inference.ToolCall;
import dev.cascade4j.inference.ToolChoice;
import dev.cascade4j.inference.ToolSpec;
import dev.cascade4j.inference.Usage;
import dev.cascade4j.inference.grammar.JsonSchemaGrammar;
import dev.cascade4j.router.EscalationReason;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A keyword the grammar relaxes is still part of the contract: an answer that breaks it escalates as
 * invalid, after generation, instead of the schema being refused before the model runs.
 */
class RelaxedSchemaJudgeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Confidence SURE = new Confidence(0.99, 3, 0.99, 0.99, -0.01, 0.01, 0.99, 1);
    private final OutputJudge judge = new OutputJudge();

    static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static final ToolSpec MOVE = new ToolSpec("move_camera", "Point the camera", json("""
            {"type":"object","properties":{"tilt":{"type":"number","minimum":-90,"maximum":89.5},
             "step":{"type":"integer","minimum":0,"maximum":400,"multipleOf":10}},"required":["tilt","step"]}"""));

    static GenerationResult calling(String args) {
        return new GenerationResult("", List.of(new ToolCall("c1", "move_camera", args)), FinishReason.TOOL_CALLS, SURE, new Usage(0, 0, 0, 0), null);
    }

    @Test
    void aToolCallBreakingARelaxedKeywordEscalatesAsInvalidArguments() {
        List<String> relaxed = JsonSchemaGrammar.relaxations(MOVE.parameters()).stream().map(JsonSchemaGrammar.Relaxation::pointer).toList();
        assertEquals(List.of("/properties/tilt/maximum", "/properties/step/multipleOf"), relaxed);
        GenerationRequest sent = GenerationRequest.builder().messages(List.of(ChatMessage.user("tilt 89.7 degrees, step 35")))
                .tools(List.of(MOVE)).toolChoice(ToolChoice.REQUIRED).build();

        Verdict overTilt = judge.judge(null, sent, calling("{\"tilt\":89.7,\"step\":30}"));
        assertEquals(EscalationReason.INVALID_TOOL_ARGUMENTS, overTilt.reason(), overTilt.detail());
        assertTrue(overTilt.detail().contains("tilt"), overTilt.detail());

        Verdict offStep = judge.judge(null, sent, calling("{\"tilt\":45,\"step\":35}"));
        assertEquals(EscalationReason.INVALID_TOOL_ARGUMENTS, offStep.reason(), offStep.detail());

        assertNull(judge.judge(null, sent, calling("{\"tilt\":45,\"step\":30}")));
    }

    @Test
    void structuredOutputBreakingAnUnenforceablePatternEscalatesAsInvalidOutput() {
        JsonNode schema = json("""
                {"type":"object","properties":{"word":{"type":"string","pattern":"^(\\\\w)\\\\w*\\\\1$"}},"required":["word"]}""");
        assertFalse(JsonSchemaGrammar.relaxations(schema).isEmpty(), "a backreference is checked after generation");
        GenerationRequest sent = GenerationRequest.builder().messages(List.of(ChatMessage.user("a word that starts and ends alike")))
                .responseFormat(ResponseFormat.jsonSchema(schema)).build();
        GenerationResult wrong = new GenerationResult("{\"word\":\"apple\"}", List.of(), FinishReason.STOP, SURE, new Usage(0, 0, 0, 0), null);
        Verdict v = judge.judge(null, sent, wrong);
        assertEquals(EscalationReason.INVALID_OUTPUT, v.reason(), v.detail());
        GenerationResult right = new GenerationResult("{\"word\":\"kayak\"}", List.of(), FinishReason.STOP, SURE, new Usage(0, 0, 0, 0), null);
        assertNull(judge.judge(null, sent, right));
    }
}
