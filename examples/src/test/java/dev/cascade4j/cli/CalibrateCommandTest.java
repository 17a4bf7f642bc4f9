package dev.cascade4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade4j.cli.calibration.ThresholdPolicy;
import dev.cascade4j.router.config.RouterConfig;
import dev.cascade4j.cli.calibration.RiskBound;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code calibrate} without a model: options, and a refit from a stored report. */
class CalibrateCommandTest {
    @TempDir
    Path tmp;

    private static ThresholdPolicy policy(String... args) {
        CalibrateCommand calibrate = new CalibrateCommand();
        new CommandLine(calibrate).parseArgs(args);
        return calibrate.policy();
    }

    @Test
    void optionsNameTheTargetAndTheBound() {
        ThresholdPolicy p = policy("--max-error-rate", "0.05", "--bound", "clopper-pearson", "--fit");
        assertEquals(ThresholdPolicy.Risk.ERROR_RATE, p.risk());
        assertEquals(0.05, p.alpha(), 1e-12);
        assertEquals(RiskBound.Kind.CLOPPER_PEARSON, p.bound());
        assertTrue(p.fit());
        assertEquals(0.02, policy().alpha(), 1e-12, "2 points by default");
        Cli.UsageException both = assertThrows(Cli.UsageException.class, () -> policy("--target-loss", "2", "--max-error-rate", "0.05"));
        assertTrue(both.getMessage().contains("not both"), both.getMessage());
        Cli.UsageException bound = assertThrows(Cli.UsageException.class, () -> policy("--bound", "hoeffding"));
        assertTrue(bound.getMessage().contains("conformal or clopper-pearson"), bound.getMessage());
        assertThrows(Cli.UsageException.class, () -> policy("--target-loss", "0"));
        CliTest.Run fitOut = CliTest.run("calibrate", "--fit-out");
        assertEquals(2, fitOut.code(), "a flag's missing value is an error with the usage");
        assertTrue(fitOut.err().contains("Missing required parameter for option '--fit-out'"), fitOut.err());
    }

    @Test
    void refitsFromAStoredReportAndWritesTheCurveAndALoadableConfiguration() throws Exception {
        // the report in docs/ is the run the embedded configuration was fitted on: refitting it gives that configuration again
        Path report = Path.of("..", "docs", "calibration-report.json");
        Path out = tmp.resolve("again.json");
        Path fitted = tmp.resolve("fitted.yaml");
        CliTest.Run refit = CliTest.run("calibrate", "--from-report", report.toString(), "--fit", "--out", out.toString(),
                "--fit-out", fitted.toString());
        assertEquals(0, refit.code(), refit.err());
        assertTrue(Files.readString(out).contains("\"results\""));
        String svg = Files.readString(tmp.resolve("again.svg"));
        assertTrue(svg.startsWith("<svg") && svg.contains("chosen thresholds"), svg);
        RouterConfig config = RouterConfig.load(fitted);
        assertEquals(RouterConfig.defaults().routes().size(), config.routes().size());
        RouterConfig shipped = RouterConfig.defaults();
        for (var route : config.routes()) {
            var embedded = shipped.route(route.name());
            assertEquals(embedded.minGenerationConfidence(), route.minGenerationConfidence(), 1e-5, route.name());
            assertEquals(embedded.confidence() == null, route.confidence() == null, route.name() + ": fitted in one and not the other");
            if (route.confidence() != null) {
                assertEquals(embedded.confidence().intercept(), route.confidence().intercept(), 1e-5, route.name());
                route.confidence().features().forEach((name, term) ->
                        assertEquals(embedded.confidence().features().get(name).weight(), term.weight(), 1e-5, route.name() + " " + name));
            }
        }
        assertTrue(config.routes().stream().filter(r -> r.confidence() != null).count() >= 3, "routes fitted from the report's signals");
        CliTest.Run missing = CliTest.run("calibrate", "--from-report", tmp.resolve("none.json").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().startsWith("error: cannot read --from-report") && missing.err().contains("none.json"), missing.err());
    }
}
