package dev.cascade4j.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * llama.cpp's own {@code llama-bench}, built from a llama.cpp source folder with native CPU flags and
 * run on a GGUF: the reference that the in-process engine's tokens/s are compared with.
 */
public final class LlamaBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INSTALL_HINT = "install cmake and a C++ compiler (apt-get install cmake g++)";

    /** Tokens per second over the repetitions of one llama-bench test. */
    public record TokensPerSecond(double avg, double stddev) {
    }

    /** Prompt processing (ppN) and generation (tgM) throughput of one llama-bench run. */
    public record Result(int promptTokens, TokensPerSecond promptProcessing, int genTokens, TokensPerSecond generation, String buildCommit) {
    }

    private LlamaBench() {
    }

    /** {@code LlamaBench <llama.cpp source> <build folder> <model.gguf> [threads promptTokens genTokens repetitions]} */
    public static void main(String... args) {
        if (args.length != 3 && args.length != 7) {
            System.err.println("usage: LlamaBench <llama.cpp source folder> <build folder> <model.gguf> [threads promptTokens genTokens repetitions]");
            System.exit(2);
        }
        Path binary = build(Path.of(args[0]), Path.of(args[1]), System.err::println);
        int[] n = args.length == 7
                ? new int[] {Integer.parseInt(args[3]), Integer.parseInt(args[4]), Integer.parseInt(args[5]), Integer.parseInt(args[6])}
                : new int[] {2, 128, 64, 3};
        Result r = run(binary, Path.of(args[2]), n[0], n[1], n[2], n[3]);
        System.out.printf(Locale.ROOT, "pp%d %.1f ± %.1f tokens/s, tg%d %.1f ± %.1f tokens/s (llama.cpp %s, %d threads)%n", r.promptTokens(),
                r.promptProcessing().avg(), r.promptProcessing().stddev(), r.genTokens(), r.generation().avg(), r.generation().stddev(),
                r.buildCommit(), n[0]);
    }

    /**
     * Configures {@code buildDir} from {@code sourceDir} and builds only the {@code llama-bench}
     * target; returns the binary. Reuses a binary newer than the sources, so repeated calls are cheap.
     */
    public static Path build(Path sourceDir, Path buildDir, Consumer<String> log) {
        Path binary = binaryIn(buildDir);
        Path stamp = buildDir.resolve(OPTIONS_STAMP);
        String options = String.join("\n", cmakeOptions());
        if (isUpToDate(binary, sourceDir) && options.equals(readQuietly(stamp))) {
            return binary;
        }
        if (!Files.isRegularFile(sourceDir.resolve("tools/llama-bench/llama-bench.cpp"))
                && !Files.isRegularFile(sourceDir.resolve("examples/llama-bench/llama-bench.cpp"))) {
            throw new IllegalArgumentException(sourceDir + " is not a llama.cpp source folder (no llama-bench.cpp); pass the folder that holds CMakeLists.txt and include/llama.h");
        }
        requireOnPath("cmake");
        if (System.getenv("CXX") == null && !onPath("c++") && !onPath("g++") && !onPath("clang++")) {
            throw new IllegalStateException("no C++ compiler found (looked for $CXX, c++, g++, clang++); " + INSTALL_HINT);
        }
        int cores = Runtime.getRuntime().availableProcessors();
        log.accept("building llama-bench from " + sourceDir + " into " + buildDir + " (" + cores + " cores; minutes, once)");
        List<String> configure = new ArrayList<>(List.of("cmake", "-S", sourceDir.toString(), "-B", buildDir.toString()));
        configure.addAll(cmakeOptions());
        exec(configure, log);
        exec(List.of("cmake", "--build", buildDir.toString(), "--target", "llama-bench", "-j", String.valueOf(cores)), log);
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("cmake finished but " + binary + " is missing; look at the build output above");
        }
        try {
            Files.writeString(stamp, options);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + stamp, e);
        }
        return binary;
    }

    /** Records the cmake options a binary was built with, so a change of options (e.g. AMX off) rebuilds it. */
    private static final String OPTIONS_STAMP = "cascade4j-cmake-options.txt";

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return null;
        }
    }

    /** The cmake options of the build: a static, CPU-only llama-bench tuned for this machine. */
    static List<String> cmakeOptions() {
        List<String> options = new ArrayList<>(List.of("-DCMAKE_BUILD_TYPE=Release", "-DGGML_NATIVE=ON", "-DBUILD_SHARED_LIBS=OFF",
                // llama-bench is a tool on top of the common library; nothing else is needed.
                "-DLLAMA_BUILD_COMMON=ON", "-DLLAMA_BUILD_TOOLS=ON", "-DLLAMA_BUILD_TESTS=OFF", "-DLLAMA_BUILD_EXAMPLES=OFF",
                "-DLLAMA_BUILD_SERVER=OFF", "-DLLAMA_BUILD_APP=OFF",
                // No downloads: LLAMA_CURL for older trees (deprecated, ignored by newer ones), LLAMA_OPENSSL for newer.
                "-DLLAMA_CURL=OFF", "-DLLAMA_OPENSSL=OFF"));
        if (isX86() && !isWindows()) {
            // -march=native turns on AMX where the CPU has it, and ggml's AMX matmul segfaults on the
            // first token on some such machines (llama.cpp issue #20824); AVX-512 is kept.
            String noAmx = "-mno-amx-tile -mno-amx-int8 -mno-amx-bf16";
            options.add("-DCMAKE_C_FLAGS=" + noAmx);
            options.add("-DCMAKE_CXX_FLAGS=" + noAmx);
        }
        return options;
    }

    /**
     * Compiles llama-bench from {@code sourceDir} and links it against the prebuilt shared libraries in
     * {@code nativesDir} (the ones the engine loads), so that both sides run the very same llama.cpp
     * and CPU backend; the gap between them is then our own overhead. Seconds, not minutes: only
     * llama-bench itself is compiled. Reused while newer than the sources.
     */
    public static Path buildOnNatives(Path sourceDir, Path nativesDir, Path outDir, Consumer<String> log) {
        Path binary = outDir.resolve(isWindows() ? "llama-bench.exe" : "llama-bench");
        if (isUpToDate(binary, sourceDir)) {
            return binary;
        }
        Path bench = sourceDir.resolve("tools/llama-bench");
        if (!Files.isRegularFile(bench.resolve("main.cpp"))) {
            throw new IllegalArgumentException(sourceDir + " has no tools/llama-bench/main.cpp; it is not a llama.cpp source folder of a supported version");
        }
        String cxx = System.getenv("CXX") != null ? System.getenv("CXX") : onPath("g++") ? "g++" : onPath("c++") ? "c++" : null;
        if (cxx == null) {
            throw new IllegalStateException("no C++ compiler found (looked for $CXX, g++, c++); " + INSTALL_HINT);
        }
        try {
            Files.createDirectories(outDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + outDir, e);
        }
        List<String> command = new ArrayList<>(List.of(cxx, "-O2", "-DNDEBUG", "-std=c++17", "-pthread",
                "-I" + sourceDir.resolve("include"), "-I" + sourceDir.resolve("ggml/include"), "-I" + sourceDir.resolve("common"),
                "-I" + sourceDir.resolve("vendor"), "-I" + bench,
                bench.resolve("llama-bench.cpp").toString(), bench.resolve("main.cpp").toString(), "-o", binary.toString(),
                "-L" + nativesDir, "-Wl,-rpath," + nativesDir));
        for (String prefix : List.of("libllama-common", "libllama.", "libggml.", "libggml-base")) {
            command.add("-l:" + sharedLibrary(nativesDir, prefix));
        }
        log.accept("compiling llama-bench against the prebuilt natives in " + nativesDir);
        exec(command, log);
        return binary;
    }

    private static String sharedLibrary(Path dir, String prefix) {
        try (var files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith(prefix) && n.endsWith(".so")).sorted().findFirst()
                    .orElseThrow(() -> new IllegalStateException("no " + prefix + "*.so in " + dir + "; run ./cascade4j natives pull"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /**
     * Runs {@code llama-bench -m gguf -t threads -p promptTokens -n genTokens -r repetitions -o json}
     * and reads its two tests (ppN and tgM).
     */
    public static Result run(Path binary, Path gguf, int threads, int promptTokens, int genTokens, int repetitions) {
        if (!Files.isRegularFile(gguf)) {
            throw new IllegalArgumentException("model file " + gguf + " not found; run ./cascade4j models pull");
        }
        return run(binary, gguf, threads, promptTokens, genTokens, repetitions, null);
    }

    /** As {@link #run(Path, Path, int, int, int, int)}, in {@code workingDir}, where ggml looks for its CPU backend variants. */
    public static Result run(Path binary, Path gguf, int threads, int promptTokens, int genTokens, int repetitions, Path workingDir) {
        if (!Files.isRegularFile(gguf)) {
            throw new IllegalArgumentException("model file " + gguf + " not found; run ./cascade4j models pull");
        }
        String out = exec(List.of(binary.toString(), "-m", gguf.toString(), "-t", String.valueOf(threads), "-p", String.valueOf(promptTokens),
                "-n", String.valueOf(genTokens), "-r", String.valueOf(repetitions), "-o", "json"), line -> { }, workingDir);
        return parse(out);
    }

    /** Reads llama-bench's {@code -o json} output: one object per test, ppN has n_gen 0, tgM has n_prompt 0. */
    static Result parse(String json) {
        JsonNode tests;
        try {
            tests = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("llama-bench printed something other than JSON: " + tail(json), e);
        }
        JsonNode pp = null;
        JsonNode tg = null;
        for (JsonNode test : tests) {
            if (test.path("n_gen").asInt() == 0 && test.path("n_prompt").asInt() > 0) {
                pp = test;
            } else if (test.path("n_prompt").asInt() == 0 && test.path("n_gen").asInt() > 0) {
                tg = test;
            }
        }
        if (pp == null || tg == null) {
            throw new IllegalStateException("llama-bench's output lacks a prompt (ppN) or a generation (tgM) test; pass -p and -n above 0: " + tail(json));
        }
        return new Result(pp.path("n_prompt").asInt(), tokensPerSecond(pp), tg.path("n_gen").asInt(), tokensPerSecond(tg),
                pp.path("build_commit").asText(""));
    }

    private static TokensPerSecond tokensPerSecond(JsonNode test) {
        return new TokensPerSecond(test.path("avg_ts").asDouble(), test.path("stddev_ts").asDouble());
    }

    static Path binaryIn(Path buildDir) {
        return buildDir.resolve("bin").resolve(isWindows() ? "llama-bench.exe" : "llama-bench");
    }

    /** A checkout rewrites CMakeLists.txt (and .git/HEAD): a binary newer than both was built from these sources. */
    private static boolean isUpToDate(Path binary, Path sourceDir) {
        try {
            if (!Files.isExecutable(binary)) {
                return false;
            }
            FileTime built = Files.getLastModifiedTime(binary);
            for (Path marker : List.of(sourceDir.resolve("CMakeLists.txt"), sourceDir.resolve(".git/HEAD"))) {
                if (Files.exists(marker) && Files.getLastModifiedTime(marker).compareTo(built) > 0) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Runs a command, streaming its standard output to {@code log}; stderr is kept for the error message. */
    private static String exec(List<String> command, Consumer<String> log) {
        return exec(command, log, null);
    }

    private static String exec(List<String> command, Consumer<String> log, Path workingDir) {
        Path stderr = null;
        try {
            stderr = Files.createTempFile("llama-bench", ".err");
            ProcessBuilder builder = new ProcessBuilder(command).redirectError(stderr.toFile());
            if (workingDir != null) {
                builder.directory(workingDir.toFile());
            }
            Process process = builder.start();
            StringBuilder out = new StringBuilder();
            try (var lines = process.inputReader().lines()) {
                lines.forEach(line -> {
                    out.append(line).append('\n');
                    log.accept(line);
                });
            }
            int exit = process.waitFor();
            if (exit != 0) {
                String hint = command.getFirst().equals("cmake") ? "; if the compiler is missing, " + INSTALL_HINT : "";
                throw new IllegalStateException(String.join(" ", command) + " failed (exit " + exit + ")" + hint + "\n"
                        + tail(Files.readString(stderr)) + tail(out.toString()));
            }
            return out.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.getFirst() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.getFirst(), e);
        } finally {
            deleteQuietly(stderr);
        }
    }

    private static void requireOnPath(String tool) {
        if (!onPath(tool)) {
            throw new IllegalStateException(tool + " not found on PATH; " + INSTALL_HINT);
        }
    }

    static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && (Files.isExecutable(Path.of(dir, tool)) || Files.isExecutable(Path.of(dir, tool + ".exe")))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isX86() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return arch.equals("amd64") || arch.equals("x86_64");
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win");
    }

    private static String tail(String s) {
        List<String> lines = s.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())) + (lines.isEmpty() ? "" : "\n");
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temp file left behind is harmless
            }
        }
    }
}
