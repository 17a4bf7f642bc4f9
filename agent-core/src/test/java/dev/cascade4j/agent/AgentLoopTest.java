package dev.cascade4j.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade4j.inference.FinishReason;
import dev.cascade4j.inference.ToolCall;
import dev.cascade4j.inference.ToolSpec;
import dev.cascade4j.router.EscalationReason;
import dev.cascade4j.router.RouterException;
import dev.cascade4j.router.Subtask;
import dev.cascade4j.tools.ToolResult;
import dev.langchain4j.agent.tool.Tool;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
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

    /** The shop of the README, with results that say what they are, counting what really ran. */
    public static final class Shop {
        final List<String> ran = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Tool("Looks up the price in euros of a product in the shop")
        public String priceOf(String product) {
            ran.add("priceOf(" + product + ")");
            return "The " + product + " costs 1200 euros.";
        }

        @Tool("Converts an amount of euros into US dollars")
        public String toUsDollars(double euros) {
            ran.add("toUsDollars(" + euros + ")");
            return String.format(java.util.Locale.ROOT, "%.0f euros are %.0f US dollars.", euros, euros * 1.1);
        }
    }

    /** The last number in the conversation's last tool result, as a small model that converts whatever it sees last. */
    static String lastNumber(Subtask s) {
        var messages = s.request().messages();
        String last = messages.getLast().content();
        var m = java.util.regex.Pattern.compile("\\d+").matcher(last);
        String n = null;
        while (m.find()) {
            n = m.group();
        }
        return n;
    }

    /** The run: price, convert, then convert the converted amount again, and again. */
    static ToolCall reconverting(Subtask s, ToolCall whenEscalated) {
        if (s.escalation() != null) {
            return whenEscalated;
        }
        int step = (int) s.request().messages().stream().filter(m -> m.role() == dev.cascade4j.inference.ChatMessage.Role.TOOL).count();
        return step == 0 ? new ToolCall("p", "priceOf", "{\"product\":\"laptop\"}")
                : new ToolCall("c" + step, "toUsDollars", "{\"euros\":" + lastNumber(s) + "}");
    }

    @Test
    void aToolFedItsOwnResultIsNotRunAndTheNextStepGoesToTheLargeModel() {
        Shop shop = new Shop();
        ScriptedRouter router = ScriptedRouter.calls(s -> reconverting(s, new ToolCall("f", Agent.FINAL_ANSWER_TOOL, "{\"answer\":\"1320\"}")));
        try (Agent agent = Agent.builder().router(router).tools(shop).maxSteps(8).build()) {
            AgentResult result = agent.run("Find the price of the laptop, then convert it to US dollars.");

            assertEquals(AgentResult.StopReason.FINAL_ANSWER, result.stopReason(), result.detail());
            assertEquals("1320", result.answer());
            assertEquals(List.of("priceOf(laptop)", "toUsDollars(1200.0)"), shop.ran, "1320 was not converted again");
            AgentStep looped = result.steps().get(2);
            assertEquals("{\"euros\":1320}", looped.toolCalls().getFirst().arguments());
            assertEquals(ToolResult.Status.NOT_RUN, looped.results().getFirst().status());
            Subtask fourth = router.asked.get(3);
            assertEquals(EscalationReason.REPEATED_TOOL, fourth.escalation().reason());
            assertTrue(fourth.escalation().detail().contains("1320"), fourth.escalation().detail());
            assertFalse(offered(fourth).contains("toUsDollars"), offered(fourth).toString());
            // The looping call never reached the conversation the large model reads.
            assertTrue(fourth.request().messages().stream().noneMatch(m -> String.valueOf(m.content()).contains("1452")));
        }
    }

    @Test
    void aLoopThatGoesOnAfterTheLargeModelEndsTheRunWithoutAnAnswer() {
        Shop shop = new Shop();
        // The large model looks the price up again: a call whose result the model already has.
        ScriptedRouter router = ScriptedRouter.calls(s -> reconverting(s, new ToolCall("p2", "priceOf", "{\"product\":\"laptop\"}")));
        try (Agent agent = Agent.builder().router(router).tools(shop).maxSteps(8).build()) {
            AgentResult result = agent.run("Find the price of the laptop, then convert it to US dollars.");

            assertEquals(AgentResult.StopReason.TOOL_LOOP, result.stopReason(), result.detail());
            assertNull(result.answer());
            assertFalse(result.answered());
            assertEquals(4, result.steps().size(), "ended at the second loop, not at the step limit");
            assertTrue(result.detail().contains("priceOf") && result.detail().contains("already has"), result.detail());
            assertEquals(List.of("priceOf(laptop)", "toUsDollars(1200.0)"), shop.ran);
        }
    }

    @Test
    void aNumberTheTaskGivesIsNoLoop() {
        Shop shop = new Shop();
        ScriptedRouter router = ScriptedRouter.calls(s -> {
            long tools = s.request().messages().stream().filter(m -> m.role() == dev.cascade4j.inference.ChatMessage.Role.TOOL).count();
            return tools == 0 ? new ToolCall("a", "toUsDollars", "{\"euros\":1200}")
                    : tools == 1 ? new ToolCall("b", "toUsDollars", "{\"euros\":1320}")
                    : new ToolCall("f", Agent.FINAL_ANSWER_TOOL, "{\"answer\":\"1320 and 1452\"}");
        });
        try (Agent agent = Agent.builder().router(router).tools(shop).maxSteps(8).build()) {
            AgentResult result = agent.run("Convert 1200 euros and 1320 euros to US dollars.");

            assertEquals(AgentResult.StopReason.FINAL_ANSWER, result.stopReason(), result.detail());
            assertEquals(List.of("toUsDollars(1200.0)", "toUsDollars(1320.0)"), shop.ran, "1320 is in the task, so converting it is no loop");
        }
    }

    @Test
    void anEmptyFinalAnswerIsNoAnswer() {
        ScriptedRouter router = ScriptedRouter.calls(s -> new ToolCall("f", Agent.FINAL_ANSWER_TOOL, "{\"answer\":\"  \"}"));
        try (Agent agent = Agent.builder().router(router).tools(new Converter()).build()) {
            AgentResult result = agent.run("Convert 1000 euros.");
            assertEquals(AgentResult.StopReason.NO_ANSWER, result.stopReason());
            assertNull(result.answer());
        }
        // The grammar cannot write an empty answer in the first place.
        try (Agent agent = Agent.builder().router(router).tools(new Converter()).build()) {
            var answer = agent.offeredTools().stream().filter(t -> t.name().equals(Agent.FINAL_ANSWER_TOOL)).findFirst().orElseThrow();
            assertEquals(1, answer.parameters().at("/properties/answer/minLength").asInt());
        }
    }

    @Test
    void emptyProseIsNoAnswerAndProseCutAtTheTokenLimitIsIncomplete() {
        for (var c : List.of(new Object[] {FinishReason.STOP, "", AgentResult.StopReason.NO_ANSWER},
                new Object[] {FinishReason.LENGTH, "The answer is 13", AgentResult.StopReason.INCOMPLETE_OUTPUT})) {
            ScriptedRouter router = ScriptedRouter.answers(s -> Future.succeededFuture(ScriptedRouter.text((String) c[1], (FinishReason) c[0])));
            try (Agent agent = Agent.builder().router(router).tools(new Converter()).finalAnswerTool(false).build()) {
                AgentResult result = agent.run("Convert 1000 euros.");
                assertEquals(c[2], result.stopReason(), result.detail());
                assertNull(result.answer());
            }
        }
    }

    @Test
    void anAnswerCutAtTheDeadlineIsOutOfTimeNotAFinalAnswer() {
        // The router returns what the SLM wrote until the deadline when no large model could answer instead.
        ScriptedRouter cut = ScriptedRouter.answers(s -> Future.succeededFuture(ScriptedRouter.text("", FinishReason.CANCELLED)));
        try (Agent agent = Agent.builder().router(cut).tools(new Converter()).build()) {
            AgentResult result = agent.run("Convert 1000 euros.");
            assertEquals(AgentResult.StopReason.TIME_BUDGET, result.stopReason(), result.detail());
            assertNull(result.answer());
        }
        try (Agent agent = Agent.builder().router(cut).tools(new Converter()).stepTimeout(Duration.ofSeconds(5)).build()) {
            AgentResult result = agent.run("Convert 1000 euros.");
            assertEquals(AgentResult.StopReason.SLM_TIMEOUT, result.stopReason(), result.detail());
            assertEquals(5000, cut.asked.getLast().deadline().toMillis(), "the step's own deadline reached the router");
        }
        ScriptedRouter late = ScriptedRouter.answers(s -> Future.failedFuture(new RouterException.DeadlineExceeded("no SLM answer within the deadline")));
        try (Agent agent = Agent.builder().router(late).tools(new Converter()).stepTimeout(Duration.ofSeconds(5)).build()) {
            AgentResult result = agent.run("Convert 1000 euros.");
            assertEquals(AgentResult.StopReason.SLM_TIMEOUT, result.stopReason(), result.detail());
            assertTrue(result.detail().contains("no SLM answer within the deadline"), result.detail());
        }
    }

    @Test
    void aRouterFailureIsAnErrorResultThatCarriesIt() {
        var busy = new RouterException.Overloaded("model qwen-0.5b holds 32 subtasks", Duration.ofSeconds(2));
        ScriptedRouter router = ScriptedRouter.answers(s -> Future.failedFuture(busy));
        try (Agent agent = Agent.builder().router(router).tools(new Converter()).build()) {
            AgentResult result = agent.run("Convert 1000 euros.");
            assertEquals(AgentResult.StopReason.ERROR, result.stopReason());
            assertSame(busy, result.error());
            assertTrue(result.detail().contains("holds 32 subtasks"), result.detail());
            assertNull(result.answer());
        }
    }
}
