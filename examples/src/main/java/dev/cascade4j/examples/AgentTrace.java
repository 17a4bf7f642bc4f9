package dev.cascade4j.examples;

import dev.cascade4j.agent.AgentStep;
import java.util.Locale;

/** One line per agent step, for the examples' traces: how the step was routed (and why it escalated), its calls and their results. */
public final class AgentTrace {
    private AgentTrace() {
    }

    public static String describe(AgentStep step) {
        var d = step.decision();
        // Without a large model, an answer the router would have escalated comes back marked as fallback.
        String served = d.escalated() ? "escalated to " + d.model() + " (" + d.reason() + ")"
                : d.fallback() ? "SLM, low confidence" : "SLM " + d.model();
        // No SLM confidence when the step went straight to the large model.
        String confidence = Double.isNaN(d.generationConfidence()) ? "   -" : String.format(Locale.ROOT, "%.2f", d.generationConfidence());
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "step %d  route %-9s confidence %s  %-36s ", step.index(),
                d.route(), confidence, served));
        if (step.toolCalls().isEmpty()) {
            return sb.append("text: ").append(step.text()).toString();
        }
        for (int i = 0; i < step.toolCalls().size(); i++) {
            var call = step.toolCalls().get(i);
            sb.append(call.name()).append(call.arguments());
            if (i < step.results().size()) {
                sb.append(" -> ").append(step.results().get(i).content());
            }
            sb.append("  ");
        }
        return sb.toString().strip();
    }
}
