package dev.cascade4j.cli.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade4j.router.config.Route;
import dev.cascade4j.router.config.RouterConfig;
import dev.cascade4j.router.confidence.ConfidenceSignals;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Fitting, bounded thresholds, the report read back, the fitted configuration and the curve, on synthetic items (no model). */
class FittedCalibrationTest {
    static final String CONFIG = """
            routes:
              - name: tool_call
                model: smollm2-135m
                shapes: [tools, tool_result]
                minGenerationConfidence: 0.3
              - name: classify
                model: smollm2-135m
                minGenerationConfidence: 0.3
            """;

    /**
     * Tool-call items whose rightness follows grounding (which the engine's score ignores) and a few
     * classify items: too few wrong ones to fit. The measured confidence is uninformative noise.
     */
    static List<ItemResult> items(long seed) {
        Random rnd = new Random(seed);
        List<ItemResult> out = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            boolean cal = i % 5 < 3;
            double grounding = rnd.nextDouble();
            boolean right = rnd.nextDouble() < 0.1 + 0.9 * grounding * grounding;
            boolean noTool = i % 10 == 4; // in the test split
            ConfidenceSignals s = new ConfidenceSignals(0.5, 3, 0.4, 0.5, -0.7, 0.5, 0.3, 1, grounding, 2, 10, noTool ? 1 : 1,
                    noTool, noTool, 1);
            double measured = rnd.nextDouble();
            out.add(new ItemResult("t" + i, EvalItem.Kind.TOOL_CALL, cal, "tool_call", "tool_call", 1, measured, true, right, measured,
                    true, right, "", true, 50, 10, 50, 10, noTool ? "no_tool" : "single", s, s, true, 200, 600));
        }
        for (int i = 0; i < 30; i++) {
            ConfidenceSignals s = new ConfidenceSignals(0.9, 1, 0.9, 0.9, -0.1, 0.1, 0.8, 1, 1, 0, 2, 0, false, false, 1);
            boolean right = i != 3;
            out.add(new ItemResult("c" + i, EvalItem.Kind.CLASSIFY, i % 2 == 0, "classify", "classify", 1, 0.9, true, right, 0.9,
                    true, right, "", true, 30, 2, 30, 2, null, s, s, false, 100, 300));
        }
        return out;
    }

    @Test
    void fittingLearnsTheSignalThatCarriesRightnessAndBoundsTheLoss() {
        RouterConfig config = RouterConfig.parse(CONFIG, "test");
        ThresholdPolicy policy = ThresholdPolicy.targetLoss(5).withFit(true);
        CalibrationReport fitted = CalibrationReport.of(items(1), List.of(), config, policy, CostModel.DEFAULTS, true, Duration.ZERO);
        CalibrationReport plain = CalibrationReport.of(items(1), List.of(), config, policy.withFit(false), CostModel.DEFAULTS, true,
                Duration.ZERO);
        CalibrationReport.RouteFigures tool = fitted.routes().getFirst();
        assertNotNull(tool.model());
        assertTrue(tool.model().features().get("grounding").weight() > 0.5, tool.model().toString());
        assertTrue(tool.auroc() > 0.75, "fitted AUROC " + tool.auroc());
        assertTrue(plain.routes().getFirst().auroc() < 0.65, "noise AUROC " + plain.routes().getFirst().auroc());
        assertTrue(fitted.keptShare() > plain.keptShare(), fitted.keptShare() + " vs " + plain.keptShare());
        assertTrue(tool.bound().bound() <= 0.05, tool.bound().toString());
        // classify: one wrong answer among its calibration items, too few to fit
        CalibrationReport.RouteFigures classify = fitted.routes().get(1);
        assertNull(classify.model());
        assertTrue(classify.modelNote().contains("not fitted"), classify.modelNote());
        assertTrue(fitted.toText().contains("classify: not fitted"), fitted.toText());

        // per kind and per variant, with the no_tool figure and measured time
        assertEquals(fitted.byKind().get("tool_call").n() + fitted.byKind().get("classify").n(), fitted.pooled().n());
        CalibrationReport.Tally noTool = fitted.byVariant().get("no_tool");
        assertNotNull(noTool);
        assertEquals(1 - noTool.keptShare(), noTool.noCallOrEscalatedShare(), 1e-12, "no_tool answers that called a tool count unless escalated");
        assertTrue(fitted.pooled().secondsSaved() > 0 && fitted.pooled().secondsSaved() < 1);
        assertTrue(fitted.toText().contains("no call/escal."), fitted.toText());
    }

    @Test
    void aReportReadBackRefitsToTheSameThresholdsAndWritesALoadableConfiguration() {
        RouterConfig config = RouterConfig.parse(CONFIG, "test");
        ThresholdPolicy policy = new ThresholdPolicy(ThresholdPolicy.Risk.ERROR_RATE, 0.1,
                dev.cascade4j.cli.calibration.RiskBound.Kind.CONFORMAL, 0.1, true);
        CalibrationReport first = CalibrationReport.of(items(2), List.of(), config, policy, CostModel.DEFAULTS, true, Duration.ZERO);
        CalibrationReport.Loaded loaded = CalibrationReport.readItems(first.toJson(), List.of());
        assertTrue(loaded.largeMeasured());
        assertEquals(first.results(), loaded.results());
        CalibrationReport again = CalibrationReport.of(loaded.results(), List.of(), config, policy, CostModel.DEFAULTS, true, Duration.ZERO);
        assertEquals(first.routes().getFirst().threshold().threshold(), again.routes().getFirst().threshold().threshold(), 1e-12);

        String yaml = FittedConfig.write(CONFIG, again);
        Route tool = RouterConfig.parse(yaml, "fitted").route("tool_call");
        assertNotNull(tool.confidence(), yaml);
        assertEquals(again.routes().getFirst().threshold().threshold(), tool.minGenerationConfidence(), 1e-6);
        ItemResult some = loaded.results().getFirst();
        assertEquals(again.routes().getFirst().model().score(some.slmSignals()), tool.confidence().score(some.slmSignals()), 1e-9,
                "the router scores as the report did");
        assertNull(RouterConfig.parse(yaml, "fitted").route("classify").confidence());
    }

    @Test
    void theCurveIsAnSvgWithTheReferencePoints() {
        CalibrationReport r = CalibrationReport.of(items(3), List.of(), RouterConfig.parse(CONFIG, "test"),
                ThresholdPolicy.targetLoss(5).withFit(true), CostModel.DEFAULTS, true, Duration.ZERO);
        assertTrue(r.curve().size() > 10);
        assertEquals(0.0, r.curve().getFirst().kept(), 1e-12, "the strictest threshold keeps nothing");
        assertEquals(r.allLargeAccuracy(), r.curve().getFirst().accuracy(), 1e-12);
        String svg = r.curveSvg();
        assertTrue(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""), svg);
        assertTrue(svg.contains("chosen thresholds") && svg.contains("all-large") && svg.contains("all-SLM"), svg);
        assertTrue(svg.contains("<path d=\"M"), svg);
        assertFalse(svg.contains("NaN"), svg);
        assertTrue(svg.strip().endsWith("</svg>"));
    }
}
