package dev.cascade4j.cli.calibration;

/**
 * Prices per 1,000 tokens, in any one currency, for the SLM and the large model. The defaults take
 * the large model at a hosted frontier model's list price (2.50 per million prompt tokens, 10.00 per
 * million completion tokens, in US dollars) and the in-process SLM at a small CPU share (0.02 per
 * million either way); the savings figure is a ratio, so only the proportions matter.
 */
public record CostModel(double slmInputPer1k, double slmOutputPer1k, double largeInputPer1k, double largeOutputPer1k) {

    public static final CostModel DEFAULTS = new CostModel(0.00002, 0.00002, 0.0025, 0.01);

    public CostModel {
        if (slmInputPer1k < 0 || slmOutputPer1k < 0 || largeInputPer1k < 0 || largeOutputPer1k < 0) {
            throw new IllegalArgumentException("token prices cannot be negative");
        }
    }

    public double slm(long promptTokens, long completionTokens) {
        return (promptTokens * slmInputPer1k + completionTokens * slmOutputPer1k) / 1000;
    }

    public double large(long promptTokens, long completionTokens) {
        return (promptTokens * largeInputPer1k + completionTokens * largeOutputPer1k) / 1000;
    }

    /** Share of the all-large cost saved by a cascade that cost {@code cascade}. */
    public static double saved(double cascade, double allLarge) {
        return allLarge <= 0 ? Double.NaN : 1 - cascade / allLarge;
    }
}
