package dev.cascade4j.cli.calibration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.cascade4j.router.config.RouterConfig;
import dev.cascade4j.router.confidence.ConfidenceModel;

/**
 * A router configuration with a calibration's results written in: each route's chosen
 * {@code minGenerationConfidence} and, where one was fitted, its {@code confidence} block. Routes
 * without a fitted model keep the block they had. The output is checked by reading it back.
 */
public final class FittedConfig {
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .build());

    private FittedConfig() {
    }

    /** {@code sourceYaml} (the configuration calibrated) with the report's thresholds and fitted models. */
    public static String write(String sourceYaml, CalibrationReport report) {
        JsonNode root;
        try {
            root = YAML.readTree(sourceYaml);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the configuration is not valid YAML: " + e.getOriginalMessage(), e);
        }
        JsonNode routes = root == null ? null : root.get("routes");
        if (routes == null || !routes.isArray()) {
            throw new IllegalArgumentException("the configuration has no 'routes' list");
        }
        for (JsonNode r : routes) {
            String name = r.path("name").asText();
            CalibrationReport.RouteFigures f = report.routes().stream().filter(x -> x.route().equals(name)).findFirst().orElse(null);
            if (f == null || f.calibrationItems() == 0) {
                continue;
            }
            ObjectNode route = (ObjectNode) r;
            // rounded up: a threshold written lower than chosen would keep answers the bound did not cover
            route.put("minGenerationConfidence", Math.min(1, Math.ceil(f.threshold().threshold() * 1e6) / 1e6));
            if (f.model() != null) {
                route.set("confidence", block(f.model()));
            }
        }
        String out;
        try {
            out = "# Fitted by ./cascade4j calibrate: " + report.policy().describe() + "\n" + YAML.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the configuration as YAML", e);
        }
        RouterConfig.parse(out, "fitted configuration"); // what is written must load
        return out;
    }

    static ObjectNode block(ConfidenceModel m) {
        ObjectNode c = YAML.createObjectNode();
        c.put("intercept", m.intercept());
        ObjectNode weights = c.putObject("weights");
        ObjectNode means = c.putObject("means");
        ObjectNode scales = c.putObject("scales");
        m.features().forEach((name, t) -> {
            weights.put(name, t.weight());
            means.put(name, t.mean());
            scales.put(name, t.scale());
        });
        return c;
    }
}
