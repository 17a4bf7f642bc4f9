package dev.cascade4j.router.confidence;

import dev.cascade4j.inference.Confidence;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.ToolChoice;
import dev.cascade4j.router.internal.escalate.Grounding;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The raw signals one SLM answer was judged on: the engine's {@link Confidence} of the decision tokens,
 * plus what the router sees of the answer. Kept in every decision and in the query log, so that a
 * confidence model can be refitted on logged traffic.
 *
 * @param score                the engine's default combination ({@link Confidence#combine})
 * @param decisionTokens       tokens the engine scored
 * @param minProbability       lowest raw probability of a decision token
 * @param p10Probability       10th percentile of those probabilities
 * @param meanLogProbability   mean log-probability of the decision tokens
 * @param meanEntropy          mean entropy (nats) at the decision tokens
 * @param firstMargin          raw probability margin of the first decision token
 * @param minAllowedMass       lowest raw probability mass the grammar left allowed
 * @param grounding            share of the answer's string and number values found in the request (1 when none to check)
 * @param groundingChecked     how many values were checked
 * @param answerTokens         completion tokens of the answer
 * @param toolCalls            number of tool calls in the answer
 * @param toolsOptional        tools were offered and calling one was optional ({@code tool_choice} auto)
 * @param calledWhenOptional   the answer called a tool although it need not have
 * @param classifierConfidence the classifier's confidence in the route
 */
public record ConfidenceSignals(
        double score,
        int decisionTokens,
        double minProbability,
        double p10Probability,
        double meanLogProbability,
        double meanEntropy,
        double firstMargin,
        double minAllowedMass,
        double grounding,
        int groundingChecked,
        int answerTokens,
        int toolCalls,
        boolean toolsOptional,
        boolean calledWhenOptional,
        double classifierConfidence) {

    /** The names of {@link #features()}, as a {@code confidence} block's {@code weights} use them. */
    public static final List<String> FEATURES = List.of("p10", "min", "meanLogProb", "entropy", "margin", "allowedMass",
            "grounding", "length", "calls", "calledWhenOptional", "classifier", "score");

    public static ConfidenceSignals of(GenerationRequest sent, GenerationResult answer, double classifierConfidence) {
        Confidence c = answer.confidence() == null ? Confidence.NONE : answer.confidence();
        Grounding.Share g = Grounding.of(sent, answer);
        boolean optional = !sent.tools().isEmpty() && sent.toolChoice().mode() == ToolChoice.Mode.AUTO;
        return new ConfidenceSignals(c.score(), c.decisionTokens(), c.minProbability(), c.p10Probability(),
                c.meanLogProbability(), c.meanEntropy(), c.firstMargin(), c.minAllowedMass(), g.fraction(), g.checked(),
                answer.usage() == null ? 0 : answer.usage().completionTokens(), answer.toolCalls().size(), optional,
                optional && answer.hasToolCalls(), classifierConfidence);
    }

    /** Today's default judgement: the engine's score scaled by grounding. */
    public double combined() {
        return score * grounding;
    }

    /** The model's inputs by name ({@link #FEATURES}); length is log(1 + tokens), booleans 0 or 1. */
    public Map<String, Double> features() {
        Map<String, Double> f = new LinkedHashMap<>();
        f.put("p10", p10Probability);
        f.put("min", minProbability);
        f.put("meanLogProb", Math.max(-20, meanLogProbability));
        f.put("entropy", meanEntropy);
        f.put("margin", firstMargin);
        f.put("allowedMass", minAllowedMass);
        f.put("grounding", grounding);
        f.put("length", Math.log1p(answerTokens));
        f.put("calls", (double) toolCalls);
        f.put("calledWhenOptional", calledWhenOptional ? 1.0 : 0.0);
        f.put("classifier", classifierConfidence);
        f.put("score", score);
        return f;
    }

    /** The value of one feature by name. */
    public double feature(String name) {
        Double v = features().get(name);
        if (v == null) {
            throw new IllegalArgumentException("unknown confidence feature '" + name + "'; known: " + FEATURES);
        }
        return v;
    }
}
