package dev.cascade4j.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade4j.inference.InferenceException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Builds llama.cpp's own {@code llama-bench} from the pinned source (native CPU flags) and runs it. */
final class LlamaBench {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Result(double promptTokensPerSecond, double generationTokensPerSecond) {
    }

    private LlamaBench() {
    }

    static Path build(Path source) {
        Path build = source.resolveSibling("build-bench");
        Path binary = build.resolve("bin/llama-bench");
        if (Files.isExecutable(binary)) {
            return binary;
        }
        System.err.println("Building llama-bench from " + source + " (once; a few minutes on 2 cores)");
        exec(List.of("cmake", "-S", source.toString(), "-B", build.toString(), "-DCMAKE_BUILD_TYPE=Release", "-DGGML_NATIVE=ON",
                "-DLLAMA_CURL=OFF", "-DLLAMA_OPENSSL=OFF", "-DLLAMA_BUILD_TESTS=OFF", "-DLLAMA_BUILD_EXAMPLES=OFF", "-DLLAMA_BUILD_SERVER=OFF",
                "-DBUILD_SHARED_LIBS=OFF"));
        exec(List.of("cmake", "--build", build.toString(), "--target", "llama-bench", "-j", String.valueOf(Runtime.getRuntime().availableProcessors())));
        return binary;
    }

    static Result run(Path source, Path gguf, int threads, int promptTokens, int genTokens, int reps) {
        Path binary = build(source);
        String out = exec(List.of(binary.toString(), "-m", gguf.toString(), "-t", String.valueOf(threads), "-p", String.valueOf(promptTokens),
                "-n", String.valueOf(genTokens), "-r", String.valueOf(reps), "-o", "json"));
        try {
            JsonNode rows = JSON.readTree(out.substring(out.indexOf('[')));
            double pp = 0;
            double tg = 0;
            for (JsonNode r : rows) {
                if (r.path("n_prompt").asInt() > 0) {
                    pp = r.path("avg_ts").asDouble();
                } else {
                    tg = r.path("avg_ts").asDouble();
                }
            }
            return new Result(pp, tg);
        } catch (IOException | RuntimeException e) {
            throw new InferenceException("cannot read llama-bench's output: " + out, e);
        }
    }

    private static String exec(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new InferenceException(String.join(" ", cmd.subList(0, Math.min(3, cmd.size()))) + " failed (exit " + p.exitValue()
                        + "); building llama-bench needs cmake and a C++ compiler (apt-get install cmake g++)\n" + tail(out));
            }
            return out;
        } catch (IOException e) {
            throw new InferenceException("cannot run " + cmd.getFirst() + " (is it installed? apt-get install cmake g++): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InferenceException("interrupted");
        }
    }

    private static String tail(String s) {
        List<String> lines = new ArrayList<>(List.of(s.split("\n")));
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
    }
}
