package dev.cascade4j.router.internal.classify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.ResponseFormat;
import dev.cascade4j.router.config.Route;
import java.util.List;
import java.util.Locale;

/**
 * A second opinion on the route from an SLM, for routes with few examples: the model picks a route
 * name (or "none") under an enum grammar, so it cannot answer anything else. Agreement raises the
 * classifier's confidence, disagreement lowers it (the route stays the embedding's choice).
 */
public final class SecondOpinion {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String NONE = "none";

    private final String system;
    private final ResponseFormat format;

    public SecondOpinion(List<Route> routes) {
        StringBuilder sb = new StringBuilder("Pick the category of the user's request. Categories:\n");
        ObjectNode schema = JSON.createObjectNode().put("type", "string");
        var values = schema.putArray("enum");
        for (Route r : routes) {
            sb.append("- ").append(r.name()).append(": ").append(r.description()).append('\n');
            values.add(r.name());
        }
        sb.append("- none: anything else.\nAnswer with the category name only.");
        values.add(NONE);
        this.system = sb.toString();
        this.format = ResponseFormat.jsonSchema(schema);
    }

    public GenerationRequest request(String text) {
        return GenerationRequest.builder().system(system).user(text).responseFormat(format).maxTokens(16).build();
    }

    /** The classification after the SLM's vote. */
    public Classification combine(Classification embedding, GenerationResult vote) {
        String picked;
        try {
            JsonNode v = JSON.readTree(vote.text());
            picked = v.asText();
        } catch (Exception e) {
            return embedding.withConfidence(embedding.confidence(), "second opinion unreadable");
        }
        double s = vote.confidence().score();
        double c = embedding.confidence();
        if (picked.equals(embedding.route())) {
            double combined = 1 - (1 - c) * (1 - s);
            return embedding.withConfidence(combined, String.format(Locale.ROOT, "SLM agrees (%.2f)", s));
        }
        return embedding.withConfidence(c * (1 - s), String.format(Locale.ROOT, "SLM says %s (%.2f)", picked, s));
    }
}
