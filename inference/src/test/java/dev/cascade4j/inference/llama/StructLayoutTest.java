package dev.cascade4j.inference.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade4j.inference.natives.LlamaCppSource;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Compiles a C program against the llama.h of the pinned llama.cpp source and compares every struct
 * size and field offset with the Java layouts, so an upgrade that moves a field fails here instead of
 * corrupting memory.
 */
class StructLayoutTest {

    @Test
    void javaLayoutsMatchTheCHeader() throws Exception {
        Path src = LlamaCppSource.checkout();
        StringBuilder c = new StringBuilder("#include <stdio.h>\n#include <stddef.h>\n#include \"llama.h\"\nint main(void) {\n");
        for (StructLayout s : LlamaStructs.ALL) {
            String type = "struct " + s.name().orElseThrow();
            c.append("printf(\"%s size %zu\\n\", \"").append(s.name().get()).append("\", sizeof(").append(type).append("));\n");
            for (MemoryLayout m : s.memberLayouts()) {
                if (m.name().isPresent()) {
                    c.append("printf(\"%s.%s %zu\\n\", \"").append(s.name().get()).append("\", \"").append(m.name().get())
                            .append("\", offsetof(").append(type).append(", ").append(m.name().get()).append("));\n");
                }
            }
        }
        c.append("return 0;\n}\n");
        Path dir = Files.createTempDirectory("layout");
        Files.writeString(dir.resolve("layout.c"), c);
        run(dir, "gcc", "-I" + src.resolve("include"), "-I" + src.resolve("ggml/include"), "layout.c", "-o", "layout");
        Map<String, Long> c_side = new HashMap<>();
        for (String line : run(dir, dir.resolve("layout").toString()).split("\n")) {
            String[] f = line.split(" ");
            c_side.put(f[0] + (f.length == 3 ? " size" : ""), Long.parseLong(f[f.length - 1]));
        }
        int checked = 0;
        for (StructLayout s : LlamaStructs.ALL) {
            String name = s.name().orElseThrow();
            assertEquals(c_side.get(name + " size"), s.byteSize(), "sizeof(struct " + name + ")");
            for (MemoryLayout m : s.memberLayouts()) {
                if (m.name().isPresent()) {
                    assertEquals(c_side.get(name + "." + m.name().get()), LlamaStructs.offset(s, m.name().get()), "offsetof " + name + "." + m.name().get());
                    checked++;
                }
            }
        }
        assertTrue(checked > 60, checked + " fields checked");
    }

    private static String run(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ":\n" + out);
        return out;
    }
}
