package dev.cascade4j.inference.internal.llama;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Asks the C compiler how it lays out structs: generates a program that prints {@code sizeof},
 * {@code _Alignof} and {@code offsetof} of the given structs and fields, compiles it against the
 * given headers, runs it and returns the numbers. The truth to compare the Java MemoryLayouts with.
 */
final class CHeaderProbe {

    /** How the compiler lays out one struct; offsets in the order the fields were asked for. */
    record CStruct(String name, long size, long align, Map<String, Long> offsets) {
        long offset(String field) {
            Long offset = offsets.get(field);
            if (offset == null) {
                throw new IllegalArgumentException("field " + field + " of " + name + " was not probed; probed: " + offsets.keySet());
            }
            return offset;
        }
    }

    private final List<Path> includeDirs;
    private final List<String> headers;
    private final String compiler;

    /** {@code compiler} is a command on the PATH (or a path) that accepts gcc's options. */
    CHeaderProbe(List<Path> includeDirs, List<String> headers, String compiler) {
        this.includeDirs = List.copyOf(includeDirs);
        this.headers = List.copyOf(headers);
        this.compiler = compiler;
    }

    /**
     * For {@code llama.h}, given a llama.cpp source folder or its {@code include} folder: llama.h
     * includes ggml.h, ggml-backend.h and gguf.h, which live in {@code ggml/include}.
     */
    static CHeaderProbe llamaH(Path sourceOrIncludeDir) {
        Path source = Files.isRegularFile(sourceOrIncludeDir.resolve("llama.h")) ? sourceOrIncludeDir.getParent() : sourceOrIncludeDir;
        Path include = source.resolve("include");
        if (!Files.isRegularFile(include.resolve("llama.h"))) {
            throw new IllegalArgumentException("no llama.h in " + include + "; pass a llama.cpp source folder (LlamaCppSource.checkout()) or its include folder");
        }
        return new CHeaderProbe(List.of(include, source.resolve("ggml/include")), List.of("llama.h"), defaultCompiler());
    }

    /** $CC when set, else gcc, else cc. */
    static String defaultCompiler() {
        String cc = System.getenv("CC");
        if (cc != null && !cc.isBlank()) {
            return cc;
        }
        return onPath("gcc") || !onPath("cc") ? "gcc" : "cc";
    }

    /**
     * Layouts of the structs named by the keys, with the offsets of the listed fields. A name without a
     * space is a struct tag ({@code llama_batch} means {@code struct llama_batch}); a name with one is
     * used as written ({@code union foo}). Fields may be nested ({@code a.b}), as offsetof allows.
     */
    Map<String, CStruct> probe(Map<String, List<String>> fieldsByStruct) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("c-header-probe");
            Files.writeString(dir.resolve("probe.c"), program(fieldsByStruct));
            Path binary = dir.resolve("probe");
            List<String> compile = new ArrayList<>(List.of(compiler, "-std=c11", "-w"));
            includeDirs.forEach(d -> compile.add("-I" + d));
            compile.addAll(List.of("probe.c", "-o", binary.toString()));
            run(dir, compile, "compiling the probe failed; are the include folders " + includeDirs + " and the struct and field names right?");
            return parse(run(dir, List.of(binary.toString()), "the compiled probe failed"), fieldsByStruct);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteTree(dir);
        }
    }

    /** Prints one line per struct ("S index size align") and per field ("F index field offset"), by index to avoid quoting. */
    private String program(Map<String, List<String>> fieldsByStruct) {
        StringBuilder c = new StringBuilder("#include <stdio.h>\n#include <stddef.h>\n");
        headers.forEach(h -> c.append("#include \"").append(h).append("\"\n"));
        c.append("int main(void) {\n");
        int s = 0;
        for (var entry : fieldsByStruct.entrySet()) {
            String type = entry.getKey().contains(" ") ? entry.getKey() : "struct " + entry.getKey();
            c.append("  printf(\"S %d %zu %zu\\n\", ").append(s).append(", sizeof(").append(type).append("), _Alignof(").append(type).append("));\n");
            int f = 0;
            for (String field : entry.getValue()) {
                c.append("  printf(\"F %d %d %zu\\n\", ").append(s).append(", ").append(f++).append(", offsetof(").append(type).append(", ")
                        .append(field).append("));\n");
            }
            s++;
        }
        return c.append("  return 0;\n}\n").toString();
    }

    private static Map<String, CStruct> parse(String output, Map<String, List<String>> fieldsByStruct) {
        List<String> names = List.copyOf(fieldsByStruct.keySet());
        long[][] sizes = new long[names.size()][2];
        List<Map<String, Long>> offsets = new ArrayList<>();
        names.forEach(n -> offsets.add(new LinkedHashMap<>()));
        for (String line : output.lines().toList()) {
            String[] p = line.split(" ");
            int s = Integer.parseInt(p[1]);
            if (p[0].equals("S")) {
                sizes[s] = new long[] {Long.parseLong(p[2]), Long.parseLong(p[3])};
            } else {
                offsets.get(s).put(fieldsByStruct.get(names.get(s)).get(Integer.parseInt(p[2])), Long.parseLong(p[3]));
            }
        }
        Map<String, CStruct> structs = new LinkedHashMap<>();
        for (int s = 0; s < names.size(); s++) {
            structs.put(names.get(s), new CStruct(names.get(s), sizes[s][0], sizes[s][1], Collections.unmodifiableMap(offsets.get(s))));
        }
        return structs;
    }

    private String run(Path dir, List<String> command, String whatFailed) throws IOException {
        Process process;
        try {
            process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run the C compiler '" + command.getFirst() + "' (" + e.getMessage()
                    + "); install gcc (apt-get install gcc) or point $CC at a C compiler", e);
        }
        String output = new String(process.getInputStream().readAllBytes());
        try {
            if (process.waitFor() != 0) {
                throw new IllegalStateException(whatFailed + "\n$ " + String.join(" ", command) + "\n" + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.getFirst(), e);
        }
        return output;
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        return path != null && Stream.of(path.split(java.io.File.pathSeparator)).anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, tool)));
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp folder left behind is harmless
        }
    }
}
