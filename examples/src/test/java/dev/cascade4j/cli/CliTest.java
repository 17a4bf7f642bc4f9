package dev.cascade4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What the command line does with what it is given, before any command does its work. */
class CliTest {
    @TempDir
    Path tmp;

    /** The exit code and what was printed, of one command line. */
    record Run(int code, String out, String err) {
    }

    static synchronized Run run(String... args) {
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = Cli.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
    }

    @Test
    void anUnknownOptionIsAnErrorWithTheCommandsUsage() {
        Run r = run("serve", "--prot", "1");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("error: Unknown options: '--prot', '1'"), r.err());
        assertTrue(r.err().contains("did you mean --port?"), r.err());
        assertTrue(r.err().contains("Usage: ./cascade4j serve"), r.err());
        assertEquals("", r.out(), "nothing started");
    }

    @Test
    void missingAndMalformedValuesAreErrorsWithUsage() {
        Run missing = run("serve", "--port");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("Missing required parameter for option '--port'"), missing.err());
        assertTrue(missing.err().contains("Usage: ./cascade4j serve"), missing.err());
        Run notANumber = run("bench", "router", "--callers", "many");
        assertEquals(2, notANumber.code());
        assertTrue(notANumber.err().contains("Invalid value for option '--callers': 'many' is not an int"), notANumber.err());
        Run required = run("export", "--out", tmp.resolve("x.jsonl").toString());
        assertEquals(2, required.code());
        assertTrue(required.err().contains("Missing required option: '--format=openai-chat|hf-messages'"), required.err());
        Run since = run("export", "--format", "openai-chat", "--out", "x", "--since", "soon");
        assertEquals(2, since.code());
        assertTrue(since.err().contains("'soon' is not a time; write 2026-01-31T12:00:00Z, 2026-01-31 or an age like 7d"), since.err());
        Run both = run("serve", "--no-log", "--data-dir", tmp.toString());
        assertEquals(2, both.code());
        assertTrue(both.err().contains("mutually exclusive"), both.err());
        Run noSubcommand = run("bench");
        assertEquals(2, noSubcommand.code());
        assertTrue(noSubcommand.err().contains("Missing required subcommand"), noSubcommand.err());
        assertTrue(noSubcommand.err().contains("inference") && noSubcommand.err().contains("router"), noSubcommand.err());
        Run unknown = run("srve");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("'srve'") && unknown.err().contains("serve"), unknown.err());
    }

    @Test
    void everyCommandAnswersHelp() {
        List<String> paths = new ArrayList<>();
        collect(Cli.commandLine(), List.of(), paths);
        assertTrue(paths.size() >= 15, "every command and subcommand: " + paths);
        for (String path : paths) {
            List<String> args = new ArrayList<>(path.isEmpty() ? List.of() : List.of(path.split(" ")));
            args.add("--help");
            Run r = run(args.toArray(String[]::new));
            assertEquals(0, r.code(), path + ": " + r.err());
            assertTrue(r.out().startsWith("Usage: ./cascade4j" + (path.isEmpty() ? "" : " " + path)), path + ": " + r.out());
            assertTrue(r.out().contains("-h, --help"), path + ": " + r.out());
        }
        Run overview = run();
        assertEquals(0, overview.code());
        for (String command : List.of("chat", "models", "serve", "calibrate", "bench", "export", "clusters")) {
            assertTrue(overview.out().contains("  " + command + " "), command + " in " + overview.out());
        }
    }

    private static void collect(CommandLine c, List<String> path, List<String> out) {
        out.add(String.join(" ", path));
        c.getSubcommands().forEach((name, sub) -> {
            List<String> p = new ArrayList<>(path);
            p.add(name);
            collect(sub, p, out);
        });
    }

    @Test
    void aBadConfigurationFileIsNamedWithItsLineNotBuriedInUsage() throws Exception {
        Path config = Files.writeString(tmp.resolve("router.yaml"), "routes:\n  - name: a\n    minGenerationConfidense: 0.5\n");
        Run r = run("calibrate", "--routing-only", "--config", config.toString());
        assertEquals(2, r.code());
        assertEquals("error: " + config + ", line 3, column 5: routes[0].minGenerationConfidense: unknown key; known here: "
                + "confidence, description, escalateTo, examples, minClassifierConfidence, minGenerationConfidence, model, name, outputSchema, "
                + "policy, rankTools, shapes, systemPrompt, tools", r.err().strip());
    }
}
