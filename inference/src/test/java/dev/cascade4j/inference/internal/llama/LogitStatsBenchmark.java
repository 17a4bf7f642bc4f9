package dev.cascade4j.inference.internal.llama;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-token scan of the logits ({@link LogitStats}) on a row in native memory, as llama.cpp leaves
 * it: Qwen's vocabulary (151,936) and Gemma's (262,144), on a peaked distribution (a clear next token,
 * few within 8 nats of it) and a flat one (an open choice, many near the top). Run with
 * <pre>
 * ./mvnw -B -q -pl inference test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp inference/target/test-classes:inference/target/classes:$(cat inference/target/cp.txt) org.openjdk.jmh.Main LogitStatsBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class LogitStatsBenchmark {
    @Param({"151936", "262144"})
    int vocab;

    @Param({"peaked", "flat"})
    String shape;

    private Arena arena;
    private MemorySegment row;
    private LogitStats stats;

    @Setup(Level.Trial)
    public void setUp() {
        Random r = new Random(42);
        float[] logits = new float[vocab];
        // A bulk around zero, as the final projection gives, and a head above it: a few tokens far above
        // (peaked) or a broad shoulder of plausible ones (flat).
        for (int i = 0; i < vocab; i++) {
            logits[i] = (float) (r.nextGaussian() * 2.5);
        }
        int head = shape.equals("peaked") ? 8 : 400;
        for (int i = 0; i < head; i++) {
            logits[r.nextInt(vocab)] = (float) (shape.equals("peaked") ? 14 + 6 * r.nextDouble() : 8 + 4 * r.nextDouble());
        }
        arena = Arena.ofShared();
        row = arena.allocateFrom(ValueLayout.JAVA_FLOAT, logits);
        stats = new LogitStats(256);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    /** A decision token: the top candidates, then the normaliser and entropy for its confidence. */
    @Benchmark
    public double scan() {
        stats.compute(row, vocab, 64);
        return stats.logNormaliser() + stats.entropy() + stats.topTokens[0];
    }

    /** A token whose confidence is not recorded (the model had no choice): the top candidates alone. */
    @Benchmark
    public int topOnly() {
        stats.compute(row, vocab, 64);
        return stats.topTokens[0];
    }
}
