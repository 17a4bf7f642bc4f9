package dev.cascade4j.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade4j.inference.ToolCall;
import dev.cascade4j.tools.ToolResult;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The three kinds of loop, told apart without a model or a router. */
class LoopDetectorTest {
    private static ToolResult ok(String tool, String content) {
        return new ToolResult(tool, ToolResult.Status.OK, content, List.of(), Duration.ZERO);
    }

    private static AgentStep step(int index, ToolCall... calls) {
        return new AgentStep(index, "s" + index, null, null, List.of(calls), List.of(), Duration.ZERO, Duration.ZERO);
    }

    @Test
    void aRepeatedCallIsKnownByItsToolAndCanonicalArguments() {
        LoopDetector loops = new LoopDetector("task", 2);
        ToolCall first = new ToolCall("1", "priceOf", "{\"product\": \"laptop\", \"qty\": 1}");
        ToolResult result = ok("priceOf", "999");
        loops.ran(LoopDetector.callKey(first), first, result);
        assertSame(result, loops.earlierResult(LoopDetector.callKey(new ToolCall("2", "priceOf", "{\"product\":\"laptop\",\"qty\":1}"))));
        assertNull(loops.earlierResult(LoopDetector.callKey(new ToolCall("3", "priceOf", "{\"product\":\"phone\",\"qty\":1}"))));
        assertEquals("priceOf{not json", LoopDetector.callKey(new ToolCall("4", "priceOf", "{not json")));
        assertNotEquals(LoopDetector.callKey(new ToolCall("5", "a", "{}")), LoopDetector.callKey(new ToolCall("6", "b", "{}")));
    }

    @Test
    void aToolFedANumberItReturnedThatTheTaskDoesNotMentionIsALoop() {
        LoopDetector loops = new LoopDetector("Convert 1200 euros to dollars", 2);
        ToolCall convert = new ToolCall("1", "toUsDollars", "{\"euros\":1200}");
        loops.ran(LoopDetector.callKey(convert), convert, ok("toUsDollars", "1,320.50 dollars, page 3"));
        String fed = loops.ownOutputFed(new ToolCall("2", "toUsDollars", "{\"euros\":\"1320.5\"}"));
        assertTrue(fed != null && fed.contains("was given 1320.5, a number it returned itself"), fed);
        assertNull(loops.ownOutputFed(new ToolCall("3", "toUsDollars", "{\"euros\":1200}")), "the task mentions 1200");
        assertNull(loops.ownOutputFed(new ToolCall("4", "toUsDollars", "{\"euros\":3}")), "single digits are no evidence");
        assertNull(loops.ownOutputFed(new ToolCall("5", "otherTool", "{\"euros\":1320.5}")), "another tool's output is fair input");
    }

    @Test
    void aFailedCallLeavesNoOutputToBeFedBack() {
        LoopDetector loops = new LoopDetector("task", 2);
        ToolCall call = new ToolCall("1", "lookup", "{\"id\":77}");
        loops.ran(LoopDetector.callKey(call), call, new ToolResult("lookup", ToolResult.Status.FAILED, "id 4242 not found", List.of(), Duration.ZERO));
        assertNull(loops.ownOutputFed(new ToolCall("2", "lookup", "{\"id\":4242}")));
    }

    @Test
    void oneToolCalledAloneInTheLastStepsIsALoop() {
        ToolCall a = new ToolCall("1", "search", "{}");
        ToolCall b = new ToolCall("2", "fetch", "{}");
        LoopDetector loops = new LoopDetector("task", 2);
        LoopDetector.Loop loop = loops.consecutive(List.of(step(1, b), step(2, a), step(3, a)));
        assertEquals(new LoopDetector.Loop("search", "tool search was called in the last 2 steps"), loop);
        assertNull(loops.consecutive(List.of(step(1, a))), "fewer steps than the limit");
        assertNull(loops.consecutive(List.of(step(1, a), step(2, b))), "two tools");
        assertNull(loops.consecutive(List.of(step(1, a), step(2, a, b))), "two calls in one step");
        assertNull(new LoopDetector("task", 0).consecutive(List.of(step(1, a), step(2, a))), "0 turns it off");
    }
}
