package dev.cascade4j.cli.calibration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cascade4j.cli.calibration.CalibrationReport.RouteFigures;
import dev.cascade4j.cli.calibration.CalibrationReport.Tally;
import dev.cascade4j.router.confidence.ConfidenceSignals;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A {@link CalibrationReport} as JSON, and its items read back for a refit without running a model. */
final class ReportJson {
    private ReportJson() {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    static String write(CalibrationReport report) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("items", report.items());
        out.put("calibrationItems", report.calibrationItems());
        out.put("testItems", report.testItems());
        out.put("failed", report.errors());
        out.put("elapsedSeconds", report.elapsed().toMillis() / 1000.0);
        out.put("largeModelMeasured", report.largeMeasured());
        out.put("note", report.largeMeasured() ? "large model answers were checked"
                : "no large model was reachable: its answers are taken as correct (assumed)");
        out.put("thresholdPolicy", report.policy().describe());
        out.put("targetLossPoints", report.policy().risk() == ThresholdPolicy.Risk.LOSS ? 100 * report.policy().alpha() : null);
        out.put("maxErrorRate", report.policy().risk() == ThresholdPolicy.Risk.ERROR_RATE ? report.policy().alpha() : null);
        out.put("fitted", report.policy().fit());
        out.put("costs", report.costs());
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("routingAccuracy", finite(report.routingAccuracy()));
        figures.put("routingAccuracyByKind", report.routingByKind());
        figures.put("auroc", finite(report.auroc()));
        figures.put("generationAuroc", finite(report.generationAuroc()));
        figures.put("ece", finite(report.ece()));
        figures.put("pooled", tally(report.pooled()));
        Map<String, Object> kinds = new LinkedHashMap<>();
        report.byKind().forEach((k, t) -> kinds.put(k, tally(t)));
        figures.put("byKind", kinds);
        Map<String, Object> variants = new LinkedHashMap<>();
        report.byVariant().forEach((k, t) -> variants.put(k, tally(t)));
        figures.put("byVariant", variants);
        figures.put("curve", report.curve().stream().map(p -> List.of(finite(p.kept()), finite(p.accuracy()))).toList());
        out.put("test", figures);
        List<Map<String, Object>> rs = new ArrayList<>();
        for (RouteFigures r : report.routes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("route", r.route());
            m.put("policy", r.policy().key());
            m.put("calibrationItems", r.calibrationItems());
            m.put("testItems", r.testItems());
            m.put("minGenerationConfidence", finite(r.threshold().threshold()));
            m.put("calibrationRisk", finite(r.bound().empirical()));
            m.put("riskBound", finite(r.bound().bound()));
            m.put("calibrationKeptShare", finite(r.threshold().keptShare()));
            m.put("calibrationLossPoints", finite(r.threshold().lossPoints()));
            m.put("slmAccuracy", finite(r.slmAccuracy()));
            m.put("auroc", finite(r.auroc()));
            m.put("testKeptShare", finite(r.testKeptShare()));
            m.put("testLossPoints", finite(r.testLossPoints()));
            m.put("confidence", r.model());
            m.put("confidenceNote", r.modelNote());
            rs.add(m);
        }
        out.put("routes", rs);
        out.put("thresholdsYaml", report.thresholdsYaml());
        out.put("results", report.results().stream().map(ReportJson::item).toList());
        try {
            return JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the report as JSON", e);
        }
    }

    private static Map<String, Object> tally(Tally t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("items", t.n());
        m.put("slmAccuracy", finite(t.slmAccuracy()));
        m.put("largeAccuracy", finite(t.largeAccuracy()));
        m.put("cascadeAccuracy", finite(t.cascadeAccuracy()));
        m.put("keptOnSlm", finite(t.keptShare()));
        m.put("lossPoints", finite(t.lossPoints()));
        m.put("costSaved", finite(t.costSaved()));
        m.put("cascadeCost", t.cascadeCost());
        m.put("allLargeCost", t.allLargeCost());
        m.put("computeSecondsSaved", finite(t.secondsSaved()));
        m.put("cascadeSeconds", t.cascadeSeconds());
        m.put("allLargeSeconds", t.secondsMeasured() ? t.allLargeSeconds() : null);
        m.put("noCallOrEscalated", finite(t.noCallOrEscalatedShare()));
        return m;
    }

    private static Map<String, Object> item(ItemResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("kind", r.kind().key());
        m.put("variant", r.variant());
        m.put("split", r.calibration() ? "calibration" : "test");
        m.put("expectedRoute", r.expectedRoute());
        m.put("chosenRoute", r.chosenRoute());
        m.put("classifierConfidence", exact(r.classifierConfidence()));
        m.put("autoConfidence", exact(r.autoConfidence()));
        m.put("autoValid", r.autoValid());
        m.put("autoCorrect", r.autoCorrect());
        m.put("autoCalledTool", r.autoCalledTool());
        m.put("slmConfidence", exact(r.slmConfidence()));
        m.put("slmValid", r.slmValid());
        m.put("slmCorrect", r.slmCorrect());
        m.put("slmDetail", r.slmDetail());
        m.put("largeCorrect", r.largeCorrect());
        m.put("promptTokens", r.promptTokens());
        m.put("completionTokens", r.completionTokens());
        m.put("largePromptTokens", r.largePromptTokens());
        m.put("largeCompletionTokens", r.largeCompletionTokens());
        m.put("slmMillis", r.slmMillis());
        m.put("largeMillis", r.largeMillis());
        m.put("slmSignals", r.slmSignals());
        m.put("autoSignals", r.autoSignals());
        return m;
    }

    /**
     * The items of a report written by {@link #toJson()}, to refit and re-threshold without running any
     * model. Reports from before signals were recorded read with no signals (nothing to fit on); what
     * they lack of an item (kind, split, variant) is taken from {@code set}, the evaluation set, by id,
     * and the chosen route's answer is the expected route's when the two agree.
     */
    static CalibrationReport.Loaded read(String json, List<EvalItem> set) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the report is not JSON: " + e.getOriginalMessage(), e);
        }
        JsonNode results = root == null ? null : root.get("results");
        if (results == null || !results.isArray()) {
            throw new IllegalArgumentException("the report has no 'results' list; pass a report written by ./cascade4j calibrate --out");
        }
        Map<String, EvalItem> byId = new LinkedHashMap<>();
        set.forEach(i -> byId.put(i.id(), i));
        List<ItemResult> out = new ArrayList<>();
        for (JsonNode n : results) {
            try {
                String id = n.path("id").asText();
                EvalItem known = byId.get(id);
                String expected = text(n, "expectedRoute");
                String chosen = text(n, "chosenRoute");
                EvalItem.Kind kind = n.hasNonNull("kind") ? EvalItem.Kind.fromKey(n.get("kind").asText())
                        : known != null ? known.kind() : EvalItem.Kind.fromKey(expected == null ? "out_of_scope" : expected);
                if (kind == null) {
                    throw new IllegalArgumentException("no kind, and no item of that id in the evaluation set");
                }
                boolean calibration = n.hasNonNull("split") ? !"test".equals(n.get("split").asText())
                        : known == null || known.inCalibrationSplit();
                boolean same = chosen != null && chosen.equals(expected);
                double slmConfidence = num(n, "slmConfidence", Double.NaN);
                boolean slmValid = n.path("slmValid").asBoolean();
                boolean slmCorrect = n.path("slmCorrect").asBoolean();
                out.add(new ItemResult(id, kind, calibration, expected, chosen, num(n, "classifierConfidence", 0),
                        num(n, "autoConfidence", same ? slmConfidence : Double.NaN), n.path("autoValid").asBoolean(same && slmValid),
                        n.path("autoCorrect").asBoolean(same && slmCorrect), slmConfidence, slmValid, slmCorrect,
                        n.path("slmDetail").asText(""), n.hasNonNull("largeCorrect") ? n.get("largeCorrect").asBoolean() : null,
                        n.path("promptTokens").asInt(0), n.path("completionTokens").asInt(0), n.path("largePromptTokens").asInt(-1),
                        n.path("largeCompletionTokens").asInt(-1), n.has("variant") ? text(n, "variant") : known == null ? null : known.variant(),
                        signals(n.get("slmSignals")), signals(n.get("autoSignals")), n.path("autoCalledTool").asBoolean(false),
                        num(n, "slmMillis", 0), num(n, "largeMillis", -1)));
            } catch (IllegalArgumentException | JsonProcessingException e) {
                throw new IllegalArgumentException("item " + n.path("id").asText("?") + " of the report cannot be read: " + e.getMessage(), e);
            }
        }
        return new CalibrationReport.Loaded(out, root.path("largeModelMeasured").asBoolean(false));
    }

    private static ConfidenceSignals signals(JsonNode n) throws JsonProcessingException {
        return n == null || n.isNull() ? null : JSON.treeToValue(n, ConfidenceSignals.class);
    }

    private static String text(JsonNode n, String key) {
        return n.hasNonNull(key) ? n.get(key).asText() : null;
    }

    private static double num(JsonNode n, String key, double fallback) {
        return n.hasNonNull(key) ? n.get(key).asDouble() : fallback;
    }

    private static Double finite(double x) {
        return Double.isFinite(x) ? Math.round(x * 10000) / 10000.0 : null;
    }

    // Scores kept whole, so that a report read back gives the same thresholds.
    private static Double exact(double x) {
        return Double.isFinite(x) ? x : null;
    }
}
