package dev.cascade4j.inference.internal.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class Utf8AssemblerTest {
    static final byte[] EURO = "€".getBytes(StandardCharsets.UTF_8);         // E2 82 AC
    static final byte[] EMOJI = "😀".getBytes(StandardCharsets.UTF_8);       // F0 9F 98 80

    @Test
    void aCharacterSplitBetweenTokensComesOutWhenComplete() {
        Utf8Assembler utf8 = new Utf8Assembler();
        assertEquals("5 ", utf8.append(bytes("5 ", EURO, 0, 1)));
        assertEquals("", utf8.append(Arrays.copyOfRange(EURO, 1, 2)));
        assertEquals("€!", utf8.append(bytes("", EURO, 2, 3, "!")));
        for (byte b : EMOJI) {
            utf8.append(new byte[] {b});
        }
        assertEquals("", utf8.flush(), "nothing is left once the emoji completed");
    }

    @Test
    void aCharacterCutByAStopOrTheTokenLimitIsDroppedNotReplaced() {
        Utf8Assembler utf8 = new Utf8Assembler();
        assertEquals("x = (-b ", utf8.append(bytes("x = (-b ", "±".getBytes(StandardCharsets.UTF_8), 0, 1)));
        assertEquals("", utf8.flush());
        assertEquals("", utf8.append(Arrays.copyOfRange(EMOJI, 0, 3)));
        assertEquals("", utf8.flush());
    }

    @Test
    void strayBytesNeverBecomeReplacementCharacters() {
        Utf8Assembler utf8 = new Utf8Assembler();
        String out = utf8.append(new byte[] {'a', (byte) 0x80, 'b', (byte) 0xFF, 'c'}) + utf8.flush();
        assertEquals("abc", out);
    }

    private static byte[] bytes(String head, byte[] part, int from, int to) {
        return bytes(head, part, from, to, "");
    }

    private static byte[] bytes(String head, byte[] part, int from, int to, String tail) {
        byte[] h = head.getBytes(StandardCharsets.UTF_8);
        byte[] t = tail.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[h.length + (to - from) + t.length];
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(part, from, out, h.length, to - from);
        System.arraycopy(t, 0, out, h.length + to - from, t.length);
        return out;
    }
}
