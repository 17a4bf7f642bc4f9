package dev.cascade4j.inference.internal.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cascade4j.inference.natives.LlamaCppSource;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Checks the probe itself on three llama.h structs whose x86_64/arm64 layouts are known by hand. */
class CHeaderProbeTest {

    @Test
    void measuresKnownLlamaStructs() {
        Map<String, List<String>> asked = new LinkedHashMap<>();
        asked.put("llama_token_data", List.of("id", "logit", "p"));
        asked.put("llama_token_data_array", List.of("data", "size", "selected", "sorted"));
        asked.put("llama_batch", List.of("n_tokens", "token", "embd", "pos", "n_seq_id", "seq_id", "logits"));

        Map<String, CHeaderProbe.CStruct> c = CHeaderProbe.llamaH(llamaSource()).probe(asked);

        assertEquals(List.copyOf(asked.keySet()), List.copyOf(c.keySet()), "structs in the order asked");
        assertEquals(List.of("id", "logit", "p"), List.copyOf(c.get("llama_token_data").offsets().keySet()), "fields in the order asked");
        assumeTrue(is64BitLp64(), "the expected numbers below are for 64-bit Linux/macOS, not " + System.getProperty("os.arch"));
        assertStruct(c.get("llama_token_data"), 12, 4, Map.of("id", 0L, "logit", 4L, "p", 8L));
        assertStruct(c.get("llama_token_data_array"), 32, 8, Map.of("data", 0L, "size", 8L, "selected", 16L, "sorted", 24L));
        assertStruct(c.get("llama_batch"), 56, 8,
                Map.of("n_tokens", 0L, "token", 8L, "embd", 16L, "pos", 24L, "n_seq_id", 32L, "seq_id", 40L, "logits", 48L));
    }

    @Test
    void aWrongFieldNameFailsWithTheCompilerMessage() {
        var probe = CHeaderProbe.llamaH(llamaSource());

        var e = assertThrows(IllegalStateException.class, () -> probe.probe(Map.of("llama_batch", List.of("no_such_field"))));

        assertTrue(e.getMessage().contains("no_such_field") && e.getMessage().contains("compiling the probe failed"), e.getMessage());
    }

    @Test
    void aMissingCompilerSaysWhatToInstall() {
        var probe = new CHeaderProbe(List.of(), List.of("stddef.h"), "cascade4j-no-such-cc");

        var e = assertThrows(IllegalStateException.class, () -> probe.probe(Map.of("s", List.of())));

        assertTrue(e.getMessage().contains("apt-get install gcc"), e.getMessage());
    }

    @Test
    void anIncludeFolderWithoutLlamaHIsRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> CHeaderProbe.llamaH(Path.of("/nonexistent")));

        assertTrue(e.getMessage().contains("no llama.h"), e.getMessage());
    }

    static Path llamaSource() {
        return LlamaCppSource.checkout();
    }

    private static boolean is64BitLp64() {
        return System.getProperty("os.arch").matches("amd64|x86_64|aarch64") && !System.getProperty("os.name").startsWith("Windows");
    }

    private static void assertStruct(CHeaderProbe.CStruct s, long size, long align, Map<String, Long> offsets) {
        assertEquals(size, s.size(), "sizeof(struct " + s.name() + ")");
        assertEquals(align, s.align(), "_Alignof(struct " + s.name() + ")");
        offsets.forEach((field, offset) -> assertEquals(offset, s.offset(field), "offsetof(struct " + s.name() + ", " + field + ")"));
    }
}
