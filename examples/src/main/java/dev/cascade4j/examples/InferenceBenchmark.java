package dev.cascade4j.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade4j.examples.bench.LlamaBench;
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
import java.util.Map;

/**
 * {@code ./cascade4j bench inference}: prompt-processing and generation tokens/s of the in-process
 * engine, and of llama.cpp's own llama-bench built from the same source, on the same GGUF and thread
 * count; plus schema-constrained against plain generation.
 */
final class InferenceBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();

    private InferenceBenchmark() {
    }

    static int run(Map<String, String> o) {
        String ref = o.getOrDefault("model", ModelStore.DEFAULT_MODEL);
        Path gguf = ModelStore.defaultStore().resolve(ref);
        int threads = Cli.intOption(o, "threads", 2);
        int promptTokens = Cli.intOption(o, "prompt-tokens", 256);
        int genTokens = Cli.intOption(o, "gen-tokens", 128);
        int reps = Cli.intOption(o, "repetitions", 3);

        double pp;
        double tg;
        double plainOut;
        double constrainedOut;
        int forced;
        int constrainedTokens;
        try (LocalModel model = LocalModel.load(gguf, LocalModelOptions.defaults().withThreads(threads).withParallelSequences(1)
                .withContextPerSequence(Math.max(2048, promptTokens + genTokens + 64)))) {
            String filler = "The quick brown fox jumps over the lazy dog. ".repeat(promptTokens);
            int perWords = model.countTokens("The quick brown fox jumps over the lazy dog. ");
            String prompt = filler.substring(0, filler.length() * Math.max(1, promptTokens - 20) / (perWords * promptTokens));
            warm(model);
            List<Double> pps = new ArrayList<>();
            List<Double> tgs = new ArrayList<>();
            for (int i = 0; i < reps; i++) {
                // A different first word each time, so no prompt prefix is reused from the cache.
                GenerationResult r = model.generate(GenerationRequest.builder().user("Run " + i + ". " + prompt).maxTokens(1).build());
                pps.add(r.usage().promptTokens() / (r.timings().promptMillis() / 1000));
                GenerationResult g = model.generate(GenerationRequest.builder()
                        .user("Write a very long story about a dragon and a knight, run " + i + ".").maxTokens(genTokens).build());
                tgs.add((g.usage().completionTokens() - 1) / (g.timings().generateMillis() / 1000));
            }
            pp = median(pps);
            tg = median(tgs);
            plainOut = tg;
            JsonNode schema = JSON.readTree("""
                    {"type":"object","properties":{"name":{"type":"string","maxLength":30},"age":{"type":"integer","minimum":0,"maximum":120},
                     "city":{"type":"string","maxLength":30},"email":{"type":["string","null"]},"member":{"type":"boolean"},
                     "tags":{"type":"array","items":{"type":"string","maxLength":15},"maxItems":3}},
                     "required":["name","age","city","email","member","tags"]}""");
            List<Double> cs = new ArrayList<>();
            int f = 0;
            int n = 0;
            for (int i = 0; i < reps; i++) {
                GenerationResult c = model.generate(GenerationRequest.builder()
                        .user("Extract the person, run " + i + ": Alice Martin, 31, lives in Paris, alice@example.com, a member, likes chess and jazz.")
                        .responseFormat(ResponseFormat.jsonSchema(schema)).maxTokens(200).build());
                cs.add(c.usage().completionTokens() / (c.timings().generateMillis() / 1000 + c.timings().promptMillis() / 1000 * 0));
                f = c.usage().forcedTokens();
                n = c.usage().completionTokens();
            }
            constrainedOut = median(cs);
            forced = f;
            constrainedTokens = n;
            System.out.println("model: " + model.info().description() + " (" + gguf.getFileName() + "), threads " + threads);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        System.out.printf("%-34s %10s%n", "cascade4j (in-process, FFM)", "tokens/s");
        System.out.printf("  prompt processing (pp%d)        %10.1f%n", promptTokens, pp);
        System.out.printf("  generation (tg%d)               %10.1f%n", genTokens, tg);
        System.out.printf("  JSON-schema output              %10.1f  (%d of %d tokens forced by the grammar)%n", constrainedOut, forced, constrainedTokens);
        System.out.printf("  constrained / plain             %10.2f%n", constrainedOut / plainOut);
        if (o.containsKey("no-llama-bench")) {
            return 0;
        }
        // Two references, both from the pinned source: llama-bench linked against the very natives the
        // engine loads (the ratio to it is our overhead), and one built by cmake with this CPU's flags
        // (how the prebuilt natives compare with a local build).
        Path source = LlamaCppSource.checkout();
        Path natives = LlamaNatives.libraryDirectory();
        Path sameNatives = LlamaBench.buildOnNatives(source, natives, source.resolveSibling("bench-on-natives"), System.err::println);
        LlamaBench.Result same = LlamaBench.run(sameNatives, gguf, threads, promptTokens, genTokens, reps, natives);
        System.out.printf("%-34s %10s%n", "llama.cpp llama-bench, same natives", "tokens/s");
        System.out.printf("  prompt processing (pp%d)        %10.1f ± %.1f%n", promptTokens, same.promptProcessing().avg(), same.promptProcessing().stddev());
        System.out.printf("  generation (tg%d)               %10.1f ± %.1f%n", genTokens, same.generation().avg(), same.generation().stddev());
        System.out.printf("ratio cascade4j / llama.cpp (same natives): pp %.3f, tg %.3f%n", pp / same.promptProcessing().avg(), tg / same.generation().avg());
        if (!o.containsKey("no-native-build")) {
            Path binary = LlamaBench.build(source, source.resolveSibling("build-bench"), System.err::println);
            LlamaBench.Result local = LlamaBench.run(binary, gguf, threads, promptTokens, genTokens, reps);
            System.out.printf("%-34s %10s%n", "llama.cpp llama-bench, cmake native", "tokens/s");
            System.out.printf("  prompt processing (pp%d)        %10.1f ± %.1f%n", promptTokens, local.promptProcessing().avg(), local.promptProcessing().stddev());
            System.out.printf("  generation (tg%d)               %10.1f ± %.1f%n", genTokens, local.generation().avg(), local.generation().stddev());
            System.out.printf("ratio cascade4j / llama.cpp (cmake native): pp %.3f, tg %.3f%n", pp / local.promptProcessing().avg(), tg / local.generation().avg());
        }
        try {
            long bytes = Files.size(gguf);
            System.out.printf("generation reads the %.0f MB of weights per token: %.2f GB/s at %.1f tokens/s%n", bytes / 1e6, bytes * tg / 1e9, tg);
        } catch (IOException e) {
            // size is informative only
        }
        return 0;
    }

    private static void warm(LocalModel model) {
        model.generate(GenerationRequest.builder().user("Hello").maxTokens(8).build());
    }

    private static double median(List<Double> xs) {
        List<Double> s = xs.stream().sorted().toList();
        return s.get(s.size() / 2);
    }
}
