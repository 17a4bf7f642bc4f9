package dev.cascade4j.router.calibration;

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
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Measures exact-call accuracy on the tool-call items of the evaluation set under {@code tool_choice: auto},
 * with the model's own chat template and with the generic prompt, one model at a time and one request
 * at a time (so tokens/s is one sequence's speed). Not a unit test: it runs only when
 * {@code -Dcascade4j.compare.models=/path/a.gguf,/path/b.gguf} names the models ({@code -Dcascade4j.compare.split=test}
 * keeps one split), and writes a table
 * and every answer to {@code target/prompt-format-comparison.txt}.
 */
class PromptFormatComparison {

    @Test
    void exactCallAccuracyWithTheTemplateAndWithTheGenericPrompt() throws IOException {
        String models = System.getProperty("cascade4j.compare.models", "");
        assumeTrue(!models.isBlank(), "set -Dcascade4j.compare.models to run the comparison");
        int limit = Integer.getInteger("cascade4j.compare.items", Integer.MAX_VALUE);
        String split = System.getProperty("cascade4j.compare.split", "");
        List<EvalItem> items = EvalItem.defaults().stream().filter(i -> i.kind() == EvalItem.Kind.TOOL_CALL)
                .filter(i -> split.isBlank() || split.equals(i.split()))
                .map(i -> new EvalItem(i.id(), i.kind(), i.split(), i.messages(), i.tools(), ToolChoice.AUTO, i.responseFormat(), i.expected()))
                .limit(limit).toList();
        Path out = Path.of(System.getProperty("cascade4j.compare.out", "target/prompt-format-comparison.txt"));
        Files.createDirectories(out.getParent());
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out))) {
            StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%-45s %-9s %8s %8s %9s %9s%n",
                    "model", "prompt", "exact", "calls", "prose", "tokens/s"));
            for (String m : models.split(",")) {
                Path gguf = Path.of(m.strip());
                for (PromptFormat format : List.of(PromptFormat.TEMPLATE, PromptFormat.GENERIC)) {
                    LocalModelOptions options = LocalModelOptions.defaults().withParallelSequences(1).withPromptFormat(format);
                    int right = 0;
                    int calls = 0;
                    long tokens = 0;
                    double millis = 0;
                    try (LocalModel model = LocalModel.load(gguf, options)) {
                        for (EvalItem item : items) {
                            GenerationResult r = model.submit(item.request()).result().join();
                            AnswerChecker.Check check = AnswerChecker.check(item, r);
                            right += check.correct() ? 1 : 0;
                            calls += r.hasToolCalls() ? 1 : 0;
                            tokens += r.usage().completionTokens();
                            millis += r.timings().generateMillis(); // decode speed, after the first token
                            w.printf(Locale.ROOT, "%s %s %s %s | %s | %s%n", gguf.getFileName(), format, item.id(), check.correct() ? "RIGHT" : "wrong",
                                    check.detail(), r.hasToolCalls() ? r.toolCalls() : r.text().replace('\n', ' '));
                            w.flush();
                        }
                    }
                    table.append(String.format(Locale.ROOT, "%-45s %-9s %4d/%-3d %8d %9d %9.1f%n", gguf.getFileName(), format, right, items.size(),
                            calls, items.size() - calls, tokens / (millis / 1000)));
                    System.out.print(table);
                }
            }
            w.println();
            w.print(table);
        }
    }
}
