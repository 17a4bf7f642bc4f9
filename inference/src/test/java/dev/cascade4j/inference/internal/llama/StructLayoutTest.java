package dev.cascade4j.inference.internal.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade4j.inference.natives.LlamaCppSource;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Compares every struct size, alignment and field offset the Java layouts assume with what the C
 * compiler says about the pinned llama.h, so an upgrade that moves a field fails here instead of
 * corrupting memory.
 */
class StructLayoutTest {

    @Test
    void javaLayoutsMatchTheCHeader() {
        Map<String, List<String>> asked = new LinkedHashMap<>();
        for (StructLayout s : LlamaStructs.ALL) {
            asked.put(s.name().orElseThrow(), s.memberLayouts().stream()
                    .flatMap(m -> m.name().stream()).toList());
        }

        Map<String, CHeaderProbe.CStruct> c = CHeaderProbe.llamaH(LlamaCppSource.checkout()).probe(asked);

        int checked = 0;
        for (StructLayout s : LlamaStructs.ALL) {
            CHeaderProbe.CStruct cs = c.get(s.name().orElseThrow());
            assertEquals(cs.size(), s.byteSize(), "sizeof(struct " + cs.name() + ")");
            assertEquals(cs.align(), s.byteAlignment(), "_Alignof(struct " + cs.name() + ")");
            for (MemoryLayout m : s.memberLayouts()) {
                if (m.name().isPresent()) {
                    String field = m.name().get();
                    assertEquals(cs.offset(field), LlamaStructs.offset(s, field), "offsetof(struct " + cs.name() + ", " + field + ")");
                    checked++;
                }
            }
        }
        assertTrue(checked > 60, checked + " fields checked");
    }
}
