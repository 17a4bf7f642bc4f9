package dev.cascade4j.inference.internal.llama;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Joins token pieces, which may split a UTF-8 character between tokens, into whole characters. Bytes
 * that never form a character (a character cut by a stop or a token limit, or a stray byte a model
 * produced) are dropped rather than passed on as U+FFFD: a client gets the text that decoded, never a
 * replacement character the model did not write.
 */
final class Utf8Assembler {
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.IGNORE)
            .onUnmappableCharacter(CodingErrorAction.IGNORE);

    /** Adds bytes; returns the text of every character now complete. */
    String append(byte[] bytes) {
        pending.writeBytes(bytes);
        byte[] all = pending.toByteArray();
        int complete = completePrefix(all);
        pending.reset();
        pending.write(all, complete, all.length - complete);
        return decode(all, complete);
    }

    /** Whatever is left that forms whole characters; an unfinished character (the model stopped mid-way) is dropped. */
    String flush() {
        byte[] rest = pending.toByteArray();
        pending.reset();
        return decode(rest, completePrefix(rest));
    }

    private String decode(byte[] bytes, int length) {
        try {
            return decoder.reset().decode(ByteBuffer.wrap(bytes, 0, length)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException("a decoder that ignores malformed input threw", e);
        }
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
