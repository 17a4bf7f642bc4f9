package dev.cascade4j.router.internal.escalate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import dev.cascade4j.router.EscalationReason;
import dev.cascade4j.router.config.Route;
import dev.cascade4j.router.confidence.ConfidenceModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which values of an answer count as found in the request, and how that scales the judged confidence. */
class GroundingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Confidence SURE = new Confidence(0.9, 3, 0.9, 0.9, -0.1, 0.1, 0.9, 1);

    static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static final ToolSpec CONVERT = new ToolSpec("convert_currency", "Convert money", json("""
            {"type":"object","properties":{"amount":{"type":"number"},"from":{"type":"string"},"to":{"type":"string"}},
             "required":["amount","from","to"]}"""));

    static GenerationRequest asking(String user, ToolSpec... tools) {
        return GenerationRequest.builder().messages(List.of(ChatMessage.system("Never say USD."), ChatMessage.user(user)))
                .tools(List.of(tools)).toolChoice(ToolChoice.REQUIRED).build();
    }

    static GenerationResult calling(String name, String args, FinishReason finish) {
        return new GenerationResult("", List.of(new ToolCall("c1", name, args)), finish, SURE, new Usage(0, 0, 0, 0), null);
    }

    static GenerationResult saying(String text, FinishReason finish) {
        return new GenerationResult(text, List.of(), finish, SURE, new Usage(0, 0, 0, 0), null);
    }

    @Test
    void copiedArgumentsAreFoundWhateverTheirCaseOrNumberForm() {
        Grounding.Share g = Grounding.of(asking("exchange 250 sek to gbp please", CONVERT),
                calling("convert_currency", "{\"amount\": 250.0, \"from\": \"SEK\", \"to\": \"GBP\"}", FinishReason.TOOL_CALLS));
        assertEquals(new Grounding.Share(3, 3), g);
        assertEquals(1.0, g.fraction());
    }

    @Test
    void aMadeUpValueLowersTheJudgedConfidence() {
        GenerationRequest sent = asking("Convert 8 SEK into JPY.", CONVERT);
        GenerationResult answer = calling("convert_currency", "{\"amount\": 8, \"from\": \"USD\", \"to\": \"JPY\"}", FinishReason.TOOL_CALLS);
        // "USD" appears only in the system prompt, which is not the user's words.
        assertEquals(new Grounding.Share(2, 3), Grounding.of(sent, answer));
        OutputJudge.Judgement j = new OutputJudge().judgement(null, sent, answer, 1);
        assertEquals(0.9 * 2 / 3, j.confidence(), 1e-9);
        assertTrue(j.confidenceDetail().contains("2 of 3 values found in the request"), j.confidenceDetail());
    }

    @Test
    void aRouteWithAFittedModelIsJudgedByItsProbability() {
        GenerationRequest sent = asking("Convert 8 SEK into JPY.", CONVERT);
        GenerationResult answer = calling("convert_currency", "{\"amount\": 8, \"from\": \"USD\", \"to\": \"JPY\"}", FinishReason.TOOL_CALLS);
        // grounding 2/3 sits one scale below the mean: probability 1 / (1 + e^2)
        ConfidenceModel m = new ConfidenceModel(0, java.util.Map.of("grounding", new ConfidenceModel.Term(2, 2 / 3.0 + 0.1, 0.1)));
        Route route = Route.builder("tool_call").model("smollm2-135m").minGenerationConfidence(0.5).confidence(m).build();
        OutputJudge.Judgement j = new OutputJudge().judgement(route, sent, answer, 0.8);
        assertEquals(1 / (1 + Math.exp(2)), j.confidence(), 1e-9);
        assertEquals(EscalationReason.LOW_GENERATION_CONFIDENCE, j.verdict().reason());
        assertTrue(j.verdict().detail().contains("fitted"), j.verdict().detail());
        assertEquals(0.8, j.signals().classifierConfidence());
        assertEquals(2 / 3.0, j.signals().grounding(), 1e-12);
        assertFalse(j.signals().toolsOptional(), "tool_choice required");
    }

    @Test
    void valuesTheSchemaListsNeedNotAppear() {
        JsonNode schema = json("""
                {"type":"object","properties":{"label":{"enum":["positive","negative","neutral"]},"reason":{"type":"string"}},
                 "required":["label","reason"]}""");
        GenerationRequest sent = GenerationRequest.builder().messages(List.of(ChatMessage.user("The battery died after two days.")))
                .responseFormat(ResponseFormat.jsonSchema(schema)).build();
        Grounding.Share g = Grounding.of(sent, saying("{\"label\": \"negative\", \"reason\": \"battery died\"}", FinishReason.STOP));
        assertEquals(new Grounding.Share(1, 1), g);
    }

    @Test
    void plainTextHasNothingToCheck() {
        GenerationRequest sent = GenerationRequest.builder().messages(List.of(ChatMessage.user("Say hi."))).build();
        assertEquals(new Grounding.Share(0, 0), Grounding.of(sent, saying("Hello there!", FinishReason.STOP)));
        assertEquals(0.9, new OutputJudge().judgement(null, sent, saying("Hello there!", FinishReason.STOP), 1).confidence(), 1e-9);
    }

    @Test
    void aRequiredToolCallThatNeverCameIsInvalid() {
        GenerationRequest sent = asking("Convert 8 SEK into JPY.", CONVERT);
        Verdict cut = new OutputJudge().judge(null, sent, saying("{\"name\": \"convert_currency\", \"argu", FinishReason.LENGTH));
        assertNotNull(cut);
        assertEquals(EscalationReason.INVALID_OUTPUT, cut.reason());
        assertTrue(cut.detail().contains("cut off at max tokens"), cut.detail());
        assertNull(new OutputJudge().judge(null, sent,
                calling("convert_currency", "{\"amount\": 8, \"from\": \"SEK\", \"to\": \"JPY\"}", FinishReason.TOOL_CALLS)));
    }
}
