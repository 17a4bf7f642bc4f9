package dev.cascade4j.cli.calibration;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.LocalModel;
import dev.cascade4j.inference.LocalModelOptions;
import dev.cascade4j.inference.PromptFormat;
import dev.cascade4j.inference.ToolChoice;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Measures exact-call accuracy on the tool-call items of the evaluation set under {@code tool_choice: auto},
 * with the model's own chat template and with the generic prompt. Every configuration answers an item
 * before the next item starts, one request at a time (tokens/s is one sequence's decoding speed), so the
 * figures stay comparable however far the run gets. Not a unit test: it runs only when
 * {@code -Dcascade4j.compare.models=/path/a.gguf,/path/b.gguf} names the models
 * ({@code -Dcascade4j.compare.split=test} keeps one split), and writes every answer and the running table
 * to {@code -Dcascade4j.compare.out} (default {@code target/prompt-format-comparison.txt}).
 */
class PromptFormatComparison {

    /** One model loaded with one prompt format, and its running score. */
    private static final class Config {
        final String name;
        final PromptFormat format;
        final LocalModel model;
        int answered;
        int right;
        int calls;
        long tokens;
        double millis;

        Config(Path gguf, PromptFormat format) {
            this.name = gguf.getFileName().toString().replaceFirst("\\.gguf$", "");
            this.format = format;
            this.model = LocalModel.load(gguf, LocalModelOptions.defaults().withParallelSequences(1).withContextPerSequence(2048)
                    .withPromptFormat(format));
        }

        String row() {
            return String.format(Locale.ROOT, "%-40s %-9s %4d/%-4d %6.1f%% %6d %6d %9.1f", name, format, right, answered,
                    answered == 0 ? 0 : 100.0 * right / answered, calls, answered - calls, millis == 0 ? 0 : tokens / (millis / 1000));
        }
    }

    @Test
    void exactCallAccuracyWithTheTemplateAndWithTheGenericPrompt() throws IOException {
        String models = System.getProperty("cascade4j.compare.models", "");
        assumeTrue(!models.isBlank(), "set -Dcascade4j.compare.models to run the comparison");
        int limit = Integer.getInteger("cascade4j.compare.items", Integer.MAX_VALUE);
        String split = System.getProperty("cascade4j.compare.split", "");
        List<EvalItem> items = EvalItem.defaults().stream().filter(i -> i.kind() == EvalItem.Kind.TOOL_CALL)
                .filter(i -> split.isBlank() || split.equals(i.split()))
                .map(i -> new EvalItem(i.id(), i.kind(), i.split(), i.messages(), i.tools(), ToolChoice.AUTO, i.responseFormat(), i.expected(), i.variant()))
                .limit(limit).toList();
        Path out = Path.of(System.getProperty("cascade4j.compare.out", "target/prompt-format-comparison.txt"));
        Path table = Path.of(out + ".table");
        Files.createDirectories(out.toAbsolutePath().getParent());
        List<Config> configs = new ArrayList<>();
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out))) {
            for (String m : models.split(",")) {
                for (PromptFormat format : List.of(PromptFormat.TEMPLATE, PromptFormat.GENERIC)) {
                    configs.add(new Config(Path.of(m.strip()), format));
                }
            }
            for (EvalItem item : items) {
                for (Config c : configs) {
                    GenerationResult r = c.model.submit(item.request()).result().join();
                    AnswerChecker.Check check = AnswerChecker.check(item, r);
                    c.answered++;
                    c.right += check.correct() ? 1 : 0;
                    c.calls += r.hasToolCalls() ? 1 : 0;
                    c.tokens += r.usage().completionTokens();
                    c.millis += r.timings().generateMillis(); // answer tokens (sampled and forced) per second after the first
                    w.printf(Locale.ROOT, "%s %s %s %s | %s | %s | %s%n", c.name, c.format, item.id(), check.correct() ? "RIGHT" : "wrong",
                            check.detail(), r.hasToolCalls() ? r.toolCalls() : "", r.text().replace('\n', '\u23CE'));
                    w.flush();
                }
                StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-40s %-9s %9s %7s %6s %6s %9s%n",
                        "model", "prompt", "exact", "", "calls", "prose", "tokens/s"));
                configs.forEach(c -> sb.append(c.row()).append('\n'));
                Files.writeString(table, sb);
            }
        } finally {
            configs.forEach(c -> c.model.close());
        }
    }
}
