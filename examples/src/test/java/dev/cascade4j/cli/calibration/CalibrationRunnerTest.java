package dev.cascade4j.cli.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cascade4j.inference.LocalModel;
import dev.cascade4j.inference.LocalModelOptions;
import dev.cascade4j.inference.source.ModelStore;
import dev.cascade4j.router.CascadeRouter;
import dev.cascade4j.router.config.LargeModelConfig;
import dev.cascade4j.router.config.Route;
import dev.cascade4j.router.config.RoutePolicy;
import dev.cascade4j.router.config.RouterConfig;
import dev.cascade4j.router.confidence.ConfidenceSignals;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The runner against the real router on SmolLM2 and the real encoder, and the configurations it measures with. */
class CalibrationRunnerTest {
    /** The embedded routes on SmolLM2, the tiny model of the fast tests, with no large tier. */
    static final String SMOLLM = "smollm2-135m";

    static RouterConfig tinyDefaults() {
        return RouterConfig.defaults().withSlm(SMOLLM).withoutLargeModels();
    }

    static Vertx vertx;
    static LocalModel slm;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        slm = LocalModel.load(ModelStore.defaultStore().resolve(SMOLLM),
                LocalModelOptions.defaults().withParallelSequences(2).withContextPerSequence(2048));
    }

    @AfterAll
    static void stop() {
        slm.close();
        vertx.close().await();
    }

    @Test
    void measuresTenItemsOnTheRealRouter() throws Exception {
        List<EvalItem> all = EvalItem.defaults();
        List<EvalItem> items = new ArrayList<>();
        for (EvalItem.Kind kind : EvalItem.Kind.values()) {
            // One calibration and one test item of each kind, but only one out-of-scope item: 11 in all.
            all.stream().filter(i -> i.kind() == kind && i.inCalibrationSplit()).findFirst().ifPresent(items::add);
            if (kind != EvalItem.Kind.OUT_OF_SCOPE) {
                all.stream().filter(i -> i.kind() == kind && !i.inCalibrationSplit()).findFirst().ifPresent(items::add);
            }
        }
        RouterConfig config = tinyDefaults();
        List<String> progress = new ArrayList<>();
        CalibrationReport report;
        try (CascadeRouter router = CascadeRouter.builder(vertx).config(CalibrationRunner.measurementConfig(config))
                .localModel(SMOLLM, slm).build()) {
            report = CalibrationRunner.builder().router(router).config(config).progress(progress::add).build().run(items);
        }
        assertEquals(List.of(), report.errors());
        assertEquals(items.size(), report.results().size());
        assertEquals(5, report.testItems());
        assertFalse(report.largeMeasured());
        assertTrue(progress.getLast().startsWith("SLM: 11/11 items"), progress.toString());

        long routedRight = report.results().stream().filter(ItemResult::routedRight).count();
        assertTrue(routedRight >= 9, "routed right: " + routedRight + " of " + items.size());
        for (ItemResult r : report.results()) {
            if (r.expectedRoute() != null) {
                assertTrue(r.slmConfidence() >= 0 && r.slmConfidence() <= 1, r.id() + " confidence " + r.slmConfidence());
                assertTrue(r.promptTokens() > 0, r.id() + " has token counts for the cost");
                // the raw signals travel in the RoutingDecision
                ConfidenceSignals s = r.slmSignals();
                assertNotNull(s, r.id() + " has the signals of its SLM answer");
                assertTrue(s.p10Probability() >= 0 && s.p10Probability() <= 1 && s.grounding() >= 0 && s.grounding() <= 1, s.toString());
                assertTrue(s.answerTokens() > 0, s.toString());
                // the classifier's confidence when it chose the route itself, 1 when the route had to be named
                assertEquals(r.routedRight() ? r.classifierConfidence() : 1.0, s.classifierConfidence(), 1e-12);
                assertTrue(r.slmMillis() > 0 || r.chosenRoute() == null, r.id() + " has the SLM's time");
            } else {
                assertTrue(Double.isNaN(r.slmConfidence()));
                assertNull(r.slmSignals());
            }
        }
        assertEquals(1.0, report.allLargeAccuracy(), 1e-12, "without a large model its answers count as right");
        assertTrue(Double.isFinite(report.costSaved()) && report.costSaved() < 1, "cost saved " + report.costSaved());
        for (CalibrationReport.RouteFigures f : report.routes()) {
            // one or two calibration items cannot show 2 points under the conformal bound ((0 + 1) / (n + 1) > 0.02): keep nothing
            assertEquals(f.calibrationItems() == 0 ? config.route(f.route()).minGenerationConfidence() : 1.0, f.threshold().threshold(), 1e-12,
                    f.toString());
        }
        assertTrue(report.toText().contains("TAKEN AS CORRECT"), report.toText());
        JsonNode json = new ObjectMapper().readTree(report.toJson());
        assertEquals(items.size(), json.get("results").size());
        assertFalse(json.get("largeModelMeasured").asBoolean());
        assertTrue(json.get("thresholdsYaml").asText().contains("- name: tool_call\n    minGenerationConfidence: "));
        JsonNode snippet = new ObjectMapper(new YAMLFactory()).readTree(json.get("thresholdsYaml").asText());
        assertEquals(config.routes().size(), snippet.get("routes").size());
        assertEquals(report.routes().getFirst().threshold().threshold(),
                snippet.get("routes").get(0).get("minGenerationConfidence").asDouble(), 0.001);
        // a report read back gives the same items, signals included: refitting needs no model run
        CalibrationReport.Loaded back = CalibrationReport.readItems(report.toJson(), List.of());
        assertEquals(report.results(), back.results());
    }

    @Test
    void measurementConfigurationEscalatesNothing() {
        RouterConfig base = tinyDefaults().toBuilder()
                .largeModel(new LargeModelConfig.OpenAi("big", "http://localhost:1/v1", null, null, "gpt", null, 0))
                .escalateTo("big").build();
        RouterConfig m = CalibrationRunner.measurementConfig(base);
        assertTrue(m.largeModels().isEmpty());
        assertNull(m.escalation().defaultTarget());
        for (Route r : m.routes()) {
            assertEquals(0, r.minClassifierConfidence());
            assertEquals(0, r.minGenerationConfidence());
            assertEquals(RoutePolicy.SLM_FIRST, r.policy());
        }
        assertEquals(base.routes().stream().map(Route::name).toList(), m.routes().stream().map(Route::name).toList());

        assertNull(CalibrationRunner.largeOnlyConfig(tinyDefaults()), "no large model configured");
        RouterConfig large = CalibrationRunner.largeOnlyConfig(base);
        assertNotNull(large);
        assertTrue(large.routes().stream().allMatch(r -> r.policy() == RoutePolicy.ALWAYS_LARGE));
    }

    @Test
    void reportSimulatesTheRouterUnderPoliciesAndThresholds() {
        RouterConfig config = tinyDefaults();
        // Calibration: on classify, right answers score 0.8/0.7, wrong ones 0.2: threshold 0.7 loses nothing.
        List<ItemResult> results = new ArrayList<>(List.of(
                result("c1", true, "classify", "classify", 0.9, 0.8, true),
                result("c2", true, "classify", "classify", 0.9, 0.7, true),
                result("c3", true, "classify", "classify", 0.9, 0.2, false),
                // Test: kept and right; escalated on low confidence; misrouted out-of-scope kept and wrong;
                // a reasoning item that goes to the large model by policy; a classifier-confidence escalation.
                result("t1", false, "classify", "classify", 0.9, 0.75, true),
                result("t2", false, "classify", "classify", 0.9, 0.1, false),
                result("t3", false, null, "classify", 0.9, 0.9, false),
                result("t4", false, "reason", "reason", 0.9, 0.9, false),
                result("t5", false, "classify", "classify", 0.3, 0.9, false)));
        // 30 points: with 3 calibration items the conformal bound is (harms + 1) / 4, so 0.7 (no harm) passes and 0.2 does not.
        CalibrationReport r = CalibrationReport.of(results, List.of(), config, ThresholdPolicy.targetLoss(30), new CostModel(0, 0, 1, 1),
                false, java.time.Duration.ZERO);
        CalibrationReport.RouteFigures classify = r.routes().stream().filter(f -> f.route().equals("classify")).findFirst().orElseThrow();
        assertEquals(0.7, classify.threshold().threshold(), 1e-12);
        assertEquals(2 / 3.0, classify.threshold().keptShare(), 1e-12);
        assertEquals(4 / 5.0, r.routingAccuracy(), 1e-12);
        assertEquals(2 / 5.0, r.keptShare(), 1e-12, "t1 and t3 stay on the SLM");
        assertEquals(4 / 5.0, r.cascadeAccuracy(), 1e-12, "only the misrouted out-of-scope item is wrong");
        assertEquals(20, r.lossPoints(), 1e-9);
        // Each item costs 10 tokens on the large model; t1 and t3 cost nothing: 3 of 5 paid.
        assertEquals(50, r.allLargeCost() * 1000, 1e-9);
        assertEquals(0.4, r.costSaved(), 1e-12);
    }

    static ItemResult result(String id, boolean calibration, String expected, String chosen, double classifier, double conf,
                             boolean right) {
        EvalItem.Kind kind = expected == null ? EvalItem.Kind.OUT_OF_SCOPE : EvalItem.Kind.valueOf(expected.toUpperCase());
        double slmConf = expected == null ? Double.NaN : conf;
        return new ItemResult(id, kind, calibration, expected, chosen, classifier, conf, true, right, slmConf, true, right,
                "", null, 5, 5, -1, -1, null, null, null, false, 100, -1);
    }
}
