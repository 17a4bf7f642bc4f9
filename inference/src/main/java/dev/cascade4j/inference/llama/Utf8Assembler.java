package dev.cascade4j.inference.llama;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Joins token pieces, which may split a UTF-8 character between tokens, into whole characters. */
final class Utf8Assembler {
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    /** Adds bytes; returns the text of every character now complete. */
    String append(byte[] bytes) {
        pending.writeBytes(bytes);
        byte[] all = pending.toByteArray();
        int complete = completePrefix(all);
        pending.reset();
        pending.write(all, complete, all.length - complete);
        return new String(all, 0, complete, StandardCharsets.UTF_8);
    }

    /** Whatever is left, with incomplete sequences replaced (the model stopped mid-character). */
    String flush() {
        String rest = pending.toString(StandardCharsets.UTF_8);
        pending.reset();
        return rest;
    }

    private static int completePrefix(byte[] b) {
        int n = b.length;
        // Look back at most 3 bytes for the start of an unfinished multi-byte sequence.
        for (int back = 1; back <= Math.min(3, n); back++) {
            int v = b[n - back] & 0xFF;
            if ((v & 0xC0) == 0x80) {
                continue; // continuation byte
            }
            int need = v >= 0xF0 ? 4 : v >= 0xE0 ? 3 : v >= 0xC0 ? 2 : 1;
            return need > back ? n - back : n;
        }
        return n;
    }
}
