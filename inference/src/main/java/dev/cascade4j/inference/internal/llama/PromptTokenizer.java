package dev.cascade4j.inference.internal.llama;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Tokenizes a rendered prompt in time linear in its length.
 *
 * <p>Before tokenizing, llama.cpp cuts the special tokens (turn markers such as {@code <|im_start|>})
 * out of the text, and for each one it finds it walks its list of pieces from the start: one call
 * costs the square of the markers in its text (30,000 one-word messages took 41 s). A cut made just
 * before a special token is a cut llama.cpp makes anyway, so the prompt is tokenized in pieces of a
 * few KiB that each start at a marker, and the pieces' tokens joined are the whole text's tokens.
 */
final class PromptTokenizer {
    /** Text per native call before the next cut; small enough that a piece holds a few hundred markers at most. */
    static final int PIECE_CHARS = 4096;

    // llama_token_attr bits (llama.h)
    private static final int UNKNOWN = 1;
    private static final int CONTROL = 1 << 3;
    private static final int USER_DEFINED = 1 << 4;
    private static final int LSTRIP = 1 << 7;

    private final NativeModel model;
    private final Markers markers;

    private PromptTokenizer(NativeModel model, Markers markers) {
        this.model = model;
        this.markers = markers;
    }

    static PromptTokenizer forModel(NativeModel model) {
        return new PromptTokenizer(model, piecewiseSafe(model) ? Markers.of(specialTexts(model)) : Markers.NONE);
    }

    // Pieces after the first are tokenized without the model's added tokens, which is exact only when
    // those are a single leading BOS (not a trailing EOS or a BERT-style separator).
    private static boolean piecewiseSafe(NativeModel model) {
        int[] added = model.tokenize("", true, true);
        return added.length == 0 || added.length == 1 && model.addsBos();
    }

    // The texts llama.cpp cuts out first: control, user-defined and unknown tokens. A token that strips
    // the whitespace before it (LSTRIP) would take some of the previous piece with it, so it is no cut point.
    private static List<String> specialTexts(NativeModel model) {
        List<String> out = new ArrayList<>();
        for (int token = 0; token < model.vocabSize; token++) {
            int attributes = model.attributes(token);
            if ((attributes & (CONTROL | USER_DEFINED | UNKNOWN)) != 0 && (attributes & LSTRIP) == 0) {
                out.add(model.text(token));
            }
        }
        return out;
    }

    /** The prompt's tokens, BOS included when the model wants one, control tokens written in the text read as such. */
    int[] tokenize(String prompt) {
        List<String> pieces = markers.pieces(prompt, PIECE_CHARS);
        if (pieces.size() == 1) {
            return model.tokenize(prompt, true, true);
        }
        int[] out = new int[64];
        int size = 0;
        for (int i = 0; i < pieces.size(); i++) {
            int[] tokens = model.tokenize(pieces.get(i), i == 0, true);
            if (size + tokens.length > out.length) {
                out = Arrays.copyOf(out, Math.max(out.length * 2, size + tokens.length));
            }
            System.arraycopy(tokens, 0, out, size, tokens.length);
            size += tokens.length;
        }
        return Arrays.copyOf(out, size);
    }

    /** The special-token texts a piece may start with, in a character trie so finding the next one is linear. */
    static final class Markers {
        static final Markers NONE = new Markers(new Node());

        private final Node root;

        private Markers(Node root) {
            this.root = root;
        }

        static Markers of(Collection<String> texts) {
            Node root = new Node();
            for (String t : texts) {
                if (!tagShaped(t)) {
                    continue;
                }
                Node n = root;
                for (int i = 0; i < t.length(); i++) {
                    n = n.children.computeIfAbsent(t.charAt(i), c -> new Node());
                }
                n.terminal = true;
            }
            return new Markers(root);
        }

        // Only tag-shaped markers (<|im_start|>, <start_of_turn>) are cut points: one cannot begin inside
        // another, so a cut before one is always where llama.cpp cuts. Special tokens of other shapes (runs of
        // whitespace, "**") can overlap their neighbours and are left to llama.cpp.
        private static boolean tagShaped(String t) {
            return t.length() >= 3 && t.charAt(0) == '<' && t.charAt(t.length() - 1) == '>' && t.indexOf('<', 1) < 0;
        }

        /**
         * The text cut before the first marker at or after every {@code pieceChars} characters; one piece
         * when no marker follows. Each search starts where the last ended, so the whole cut is linear.
         */
        List<String> pieces(String text, int pieceChars) {
            List<String> out = new ArrayList<>();
            int start = 0;
            while (true) {
                int cut = root.children.isEmpty() ? -1 : next(text, start + pieceChars);
                if (cut < 0) {
                    out.add(text.substring(start));
                    return out;
                }
                out.add(text.substring(start, cut));
                start = cut;
            }
        }

        private int next(String text, int from) {
            for (int i = from; i < text.length(); i++) {
                if (startsAt(text, i)) {
                    return i;
                }
            }
            return -1;
        }

        private boolean startsAt(String text, int at) {
            Node n = root;
            for (int i = at; i < text.length(); i++) {
                n = n.children.get(text.charAt(i));
                if (n == null) {
                    return false;
                }
                if (n.terminal) {
                    return true;
                }
            }
            return false;
        }
    }

    private static final class Node {
        final Map<Character, Node> children = new HashMap<>(4);
        boolean terminal;
    }
}
