package dev.cascade4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade4j.cli.bench.LlamaBench;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.LocalModel;
import dev.cascade4j.inference.LocalModelOptions;
import dev.cascade4j.inference.ResponseFormat;
import dev.cascade4j.inference.natives.LlamaCppSource;
import dev.cascade4j.inference.natives.LlamaNatives;
import dev.cascade4j.inference.source.ModelStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./cascade4j bench inference}: prompt-processing and generation tokens/s of the in-process
 * engine, and of llama.cpp's own llama-bench built from the same source, on the same GGUF and thread
 * count, in interleaved rounds ({@code --repetitions}, default 5) reported as medians; plus
 * schema-constrained against plain generation.
 */
@Command(name = "inference", description = {"Tokens/s of the in-process engine beside llama.cpp's own llama-bench.",
        "llama-bench is built from the same source; interleaved rounds, medians; plus schema-constrained against plain generation."})
final class InferenceBenchmark implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--model", paramLabel = "REF", description = "the model (default ${DEFAULT-VALUE})")
    String model = ModelStore.DEFAULT_MODEL;
    @Option(names = "--threads", paramLabel = "N", description = "decode threads, both engines (default ${DEFAULT-VALUE})")
    int threads = 2;
    @Option(names = "--prompt-tokens", paramLabel = "N", description = "prompt length (default ${DEFAULT-VALUE})")
    int promptTokens = 256;
    @Option(names = "--gen-tokens", paramLabel = "N", description = "tokens generated (default ${DEFAULT-VALUE})")
    int genTokens = 128;
    @Option(names = "--repetitions", paramLabel = "N", description = "interleaved rounds (default ${DEFAULT-VALUE})")
    int rounds = 5;
    @Option(names = "--no-llama-bench", description = "measure the engine alone")
    boolean noLlamaBench;
    @Option(names = "--no-native-build", description = "skip the llama-bench built by cmake with this CPU's flags")
    boolean noNativeBuild;

    @Override
    public Integer call() {
        Path gguf = ModelStore.defaultStore().resolve(model);

        // Two references, both from the pinned source: llama-bench linked against the very natives the
        // engine loads (the ratio to it is our overhead), and one built by cmake with this CPU's flags
        // (how the prebuilt natives compare with a local build). Built before anything is measured.
        Path sameNatives = null;
        Path nativeBuild = null;
        Path natives = null;
        if (!noLlamaBench) {
            Path source = LlamaCppSource.checkout();
            natives = LlamaNatives.libraryDirectory();
            sameNatives = LlamaBench.buildOnNatives(source, natives, source.resolveSibling("bench-on-natives"), System.err::println);
            if (!noNativeBuild) {
                nativeBuild = LlamaBench.build(source, source.resolveSibling("build-bench"), System.err::println);
            }
        }

        // Rounds alternate between the engines, so a change in the machine's load touches all of them alike.
        Series ours = new Series();
        Series same = new Series();
        Series local = new Series();
        double constrainedOut;
        int forced;
        int constrainedTokens;
        String description;
        try (LocalModel loaded = LocalModel.load(gguf, LocalModelOptions.defaults().withThreads(threads).withParallelSequences(1)
                .withContextPerSequence(Math.max(2048, promptTokens + genTokens + 64)))) {
            description = loaded.info().description();
            String filler = "The quick brown fox jumps over the lazy dog. ".repeat(promptTokens);
            int perWords = loaded.countTokens("The quick brown fox jumps over the lazy dog. ");
            String prompt = filler.substring(0, filler.length() * Math.max(1, promptTokens - 20) / (perWords * promptTokens));
            warm(loaded);
            for (int i = 0; i < rounds; i++) {
                System.err.printf("round %d of %d%n", i + 1, rounds);
                // A different first word each time, so no prompt prefix is reused from the cache.
                GenerationResult r = loaded.generate(GenerationRequest.builder().user("Run " + i + ". " + prompt).maxTokens(1).build());
                GenerationResult g = loaded.generate(GenerationRequest.builder()
                        .user("Write a very long story about a dragon and a knight, run " + i + ".").maxTokens(genTokens).build());
                ours.add(r.usage().promptTokens() / (r.timings().promptMillis() / 1000),
                        (g.usage().completionTokens() - 1) / (g.timings().generateMillis() / 1000));
                if (sameNatives != null) {
                    LlamaBench.Result b = LlamaBench.run(sameNatives, gguf, threads, promptTokens, genTokens, 1, natives);
                    same.add(b.promptProcessing().avg(), b.generation().avg());
                }
                if (nativeBuild != null) {
                    LlamaBench.Result b = LlamaBench.run(nativeBuild, gguf, threads, promptTokens, genTokens, 1);
                    local.add(b.promptProcessing().avg(), b.generation().avg());
                }
            }
            JsonNode schema = JSON.readTree("""
                    {"type":"object","properties":{"name":{"type":"string","maxLength":30},"age":{"type":"integer","minimum":0,"maximum":120},
                     "city":{"type":"string","maxLength":30},"email":{"type":["string","null"]},"member":{"type":"boolean"},
                     "tags":{"type":"array","items":{"type":"string","maxLength":15},"maxItems":3}},
                     "required":["name","age","city","email","member","tags"]}""");
            List<Double> cs = new ArrayList<>();
            int f = 0;
            int n = 0;
            for (int i = 0; i < rounds; i++) {
                GenerationResult c = loaded.generate(GenerationRequest.builder()
                        .user("Extract the person, run " + i + ": Alice Martin, 31, lives in Paris, alice@example.com, a member, likes chess and jazz.")
                        .responseFormat(ResponseFormat.jsonSchema(schema)).maxTokens(200).build());
                // Output tokens per second of generation, forced tokens included (they are output too).
                cs.add(c.usage().completionTokens() / (c.timings().generateMillis() / 1000));
                f = c.usage().forcedTokens();
                n = c.usage().completionTokens();
            }
            constrainedOut = median(cs);
            forced = f;
            constrainedTokens = n;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        System.out.println("model: " + description + " (" + gguf.getFileName() + "), threads " + threads + "; "
                + rounds + " interleaved rounds, median (min-max), tokens/s");
        System.out.printf("%-38s %22s %22s%n", "", "pp" + promptTokens, "tg" + genTokens);
        ours.print("cascade4j (in-process, FFM)");
        same.print("llama-bench, same natives");
        local.print("llama-bench, cmake native");
        if (!same.pp.isEmpty()) {
            System.out.printf("ratio cascade4j / llama-bench (same natives): pp %.3f, tg %.3f; per round tg %s%n",
                    ours.pp() / same.pp(), ours.tg() / same.tg(), ours.roundRatios(same));
        }
        if (!local.pp.isEmpty()) {
            System.out.printf("ratio cascade4j / llama-bench (cmake native): pp %.3f, tg %.3f%n", ours.pp() / local.pp(), ours.tg() / local.tg());
        }
        System.out.printf("JSON-schema output %.1f tokens/s (%d of %d tokens forced by the grammar): %.2f x plain generation%n",
                constrainedOut, forced, constrainedTokens, constrainedOut / ours.tg());
        try {
            long bytes = Files.size(gguf);
            System.out.printf("generation reads the %.0f MB of weights per token: %.2f GB/s at %.1f tokens/s%n", bytes / 1e6, bytes * ours.tg() / 1e9, ours.tg());
        } catch (IOException e) {
            // size is informative only
        }
        return 0;
    }

    /** Prompt-processing and generation tokens/s of one engine, one value per round. */
    private static final class Series {
        final List<Double> pp = new ArrayList<>();
        final List<Double> tg = new ArrayList<>();

        void add(double promptPerSecond, double generatePerSecond) {
            pp.add(promptPerSecond);
            tg.add(generatePerSecond);
        }

        double pp() {
            return median(pp);
        }

        double tg() {
            return median(tg);
        }

        String roundRatios(Series other) {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < Math.min(tg.size(), other.tg.size()); i++) {
                out.add(String.format(java.util.Locale.ROOT, "%.3f", tg.get(i) / other.tg.get(i)));
            }
            return String.join(" ", out);
        }

        void print(String name) {
            if (pp.isEmpty()) {
                return;
            }
            System.out.printf(java.util.Locale.ROOT, "%-38s %22s %22s%n", name, cell(pp), cell(tg));
        }

        private static String cell(List<Double> xs) {
            return String.format(java.util.Locale.ROOT, "%.1f (%.1f-%.1f)", median(xs),
                    xs.stream().mapToDouble(Double::doubleValue).min().orElse(0), xs.stream().mapToDouble(Double::doubleValue).max().orElse(0));
        }
    }

    private static void warm(LocalModel model) {
        model.generate(GenerationRequest.builder().user("Hello").maxTokens(8).build());
    }

    private static double median(List<Double> xs) {
        List<Double> s = xs.stream().sorted().toList();
        return s.get(s.size() / 2);
    }
}
