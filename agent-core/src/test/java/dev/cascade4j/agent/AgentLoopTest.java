package dev.cascade4j.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade4j.inference.Confidence;
import dev.cascade4j.inference.FinishReason;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.Timings;
import dev.cascade4j.inference.ToolCall;
import dev.cascade4j.inference.ToolSpec;
import dev.cascade4j.inference.Usage;
import dev.cascade4j.router.EscalationReason;
import dev.cascade4j.router.RoutedAnswer;
import dev.cascade4j.router.Router;
import dev.cascade4j.router.RoutingDecision;
import dev.cascade4j.router.Subtask;
import dev.langchain4j.agent.tool.Tool;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The agent loop's own rules, on a scripted router: milliseconds, and the same on every machine. */
class AgentLoopTest {

    public static final class Converter {
        @Tool("Converts euros to US dollars")
        public String toUsDollars(double euros) {
            return String.valueOf(euros * 1.1);
        }
    }

    static List<String> offered(Subtask s) {
        return s.request().tools().stream().map(ToolSpec::name).toList();
    }

    @Test
    void aToolCalledInConsecutiveStepsSitsOutTheNextOneWhichGoesToTheLargeModel() {
        int[] n = {0};
        // A small model that converts its own result again and again, until the tool is taken away.
        ScriptedRouter router = ScriptedRouter.calls(s -> offered(s).contains("toUsDollars")
                ? new ToolCall("c" + ++n[0], "toUsDollars", "{\"euros\":" + (1000 + n[0]) + "}")
                : new ToolCall("f", Agent.FINAL_ANSWER_TOOL, "{\"answer\":\"done\"}"));
        try (Agent agent = Agent.builder().router(router).tools(new Converter()).maxSteps(6).build()) {
            AgentResult result = agent.run("Convert 1000 euros.");
            assertEquals(AgentResult.StopReason.FINAL_ANSWER, result.stopReason());
            assertEquals("done", result.answer());
            assertEquals(3, router.asked.size());
            assertNull(router.asked.get(1).escalation(), "one repeat is allowed");
            Subtask third = router.asked.get(2);
            assertEquals(EscalationReason.REPEATED_TOOL, third.escalation().reason());
            assertFalse(offered(third).contains("toUsDollars"), offered(third).toString());
            assertTrue(offered(third).contains(Agent.FINAL_ANSWER_TOOL));
        }
    }

    @Test
    void theRuleCanBeTurnedOff() {
        ScriptedRouter router = ScriptedRouter.calls(s -> new ToolCall("c" + s.id(), "toUsDollars", "{\"euros\":" + s.id().hashCode() + "}"));
        try (Agent agent = Agent.builder().router(router).tools(new Converter()).maxSteps(4).repeatedToolLimit(0).build()) {
            AgentResult result = agent.run("Convert 1000 euros.");
            assertEquals(AgentResult.StopReason.STEP_LIMIT, result.stopReason());
            assertTrue(router.asked.stream().allMatch(s -> s.escalation() == null));
        }
    }
}
