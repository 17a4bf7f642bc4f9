package dev.cascade4j.router.internal.classify;

import dev.cascade4j.inference.ToolSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Orders a request's tools by how close their name and description are to the subtask, most relevant
 * first. Small models lean towards the first tool they are shown; offering the likeliest one first turns
 * that bias into help. The order of tools carries no meaning in the request, so nothing else changes.
 * Blocking CPU work (embeddings not yet cached): call it from a worker thread.
 */
public final class ToolRanker {
    private final Encoder encoder;

    public ToolRanker(Encoder encoder) {
        this.encoder = encoder;
    }

    /** A tool with its similarity to the subtask. */
    public record Ranked(ToolSpec tool, double similarity) {
    }

    /** The tools, most similar to {@code text} first (ties keep their order). */
    public List<Ranked> rank(String text, List<ToolSpec> tools) {
        List<float[]> views = RouteClassifier.views(RouteClassifier.key(text)).stream().map(encoder::embed).toList();
        List<Ranked> out = new ArrayList<>(tools.size());
        for (ToolSpec t : tools) {
            float[] e = encoder.embed(describe(t));
            double best = -1;
            for (float[] q : views) {
                best = Math.max(best, Encoder.dot(q, e));
            }
            out.add(new Ranked(t, best));
        }
        out.sort(Comparator.comparingDouble(Ranked::similarity).reversed());
        return out;
    }

    // "send_email" reads as words to the encoder; the description says what the tool is for.
    static String describe(ToolSpec tool) {
        String words = tool.name().replace('_', ' ').replace('-', ' ').replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT);
        return tool.description() == null || tool.description().isBlank() ? words : words + ": " + tool.description();
    }
}
