package dev.cascade4j.cli.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cascade4j.inference.CacheLocation;
import dev.cascade4j.inference.natives.LlamaNatives;
import dev.cascade4j.inference.source.ModelStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Builds (or reuses) llama-bench and runs a tiny benchmark. Tagged {@code bench}: the default build
 * excludes it because a first build takes minutes; run it with
 * {@code ./mvnw -pl examples test -Dtest=LlamaBenchRunTest -Dbench.excludedGroups=none -Dcascade4j.llama.bench.build=/tmp/llama-bench-build}.
 */
@Tag("bench")
class LlamaBenchRunTest {

    @Test
    void buildsOrReusesLlamaBenchAndMeasuresBothPhases() {
        Path build = Path.of(System.getProperty("cascade4j.llama.bench.build",
                CacheLocation.llamaCppSources().resolve(LlamaNatives.version()).resolve("build-bench").toString()));
        Path binary = LlamaBench.binaryIn(build);
        Path source = llamaSource();
        if (source != null && LlamaBench.onPath("cmake")) {
            binary = LlamaBench.build(source, build, System.out::println);
        } else {
            assumeTrue(Files.isExecutable(binary), "no llama-bench at " + binary + " and no llama.cpp source with cmake to build one;"
                    + " set -Dcascade4j.llama.src=<llama.cpp folder> (and install cmake g++) or -Dcascade4j.llama.bench.build=<build folder>");
        }
        Path gguf = Path.of(System.getProperty("cascade4j.bench.gguf", ModelStore.defaultStore().resolve("smollm2-135m").toString()));

        LlamaBench.Result result = LlamaBench.run(binary, gguf, 2, 32, 8, 1);

        assertTrue(result.promptTokens() == 32 && result.genTokens() == 8, result.toString());
        assertTrue(result.promptProcessing().avg() > 0 && result.generation().avg() > 0, result.toString());
    }

    /** The source folder: -Dcascade4j.llama.src, or the cascade4j cache; null when none has one. */
    static Path llamaSource() {
        return Stream.of(System.getProperty("cascade4j.llama.src"),
                        CacheLocation.llamaCppSources().resolve(LlamaNatives.version()).resolve("src").toString())
                .filter(s -> s != null && !s.isBlank()).map(Path::of).filter(p -> Files.isRegularFile(p.resolve("include/llama.h")))
                .findFirst().orElse(null);
    }
}
