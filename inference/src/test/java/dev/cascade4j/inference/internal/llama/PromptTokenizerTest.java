package dev.cascade4j.inference.internal.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade4j.inference.ChatMessage;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.inference.LocalModel;
import dev.cascade4j.inference.LocalModelOptions;
import dev.cascade4j.inference.TestModels;
import dev.cascade4j.inference.source.ModelCatalog;
import dev.cascade4j.inference.source.ModelStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A prompt's cost is linear in its length, and tokenizing it in pieces gives the whole text's tokens. */
class PromptTokenizerTest {
    static final List<String> CHATML = List.of("<|im_start|>", "<|im_end|>", "<|endoftext|>");

    static String chatml(int messages, String content) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < messages; i++) {
            sb.append("<|im_start|>user\n").append(content).append("<|im_end|>\n");
        }
        return sb.append("<|im_start|>assistant\n").toString();
    }

    static int count(String text, String marker) {
        int n = 0;
        for (int i = text.indexOf(marker); i >= 0; i = text.indexOf(marker, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void everyNativeCallSeesABoundedNumberOfMarkersWhateverTheConversationsLength() {
        PromptTokenizer.Markers markers = PromptTokenizer.Markers.of(CHATML);
        for (int messages : new int[] {10_000, 30_000}) {
            String text = chatml(messages, "x");
            List<String> pieces = markers.pieces(text, PromptTokenizer.PIECE_CHARS);
            assertEquals(text, String.join("", pieces));
            int most = pieces.stream().mapToInt(p -> count(p, "<|im_start|>") + count(p, "<|im_end|>")).max().getAsInt();
            // a piece holds the messages that fit in PIECE_CHARS and one more, two markers each
            int perMessage = chatml(1, "x").length() - "<|im_start|>assistant\n".length();
            assertTrue(most <= 2 * (PromptTokenizer.PIECE_CHARS / perMessage + 2), "markers in one call: " + most);
            assertTrue(pieces.stream().skip(1).allMatch(p -> p.startsWith("<|im_start|>") || p.startsWith("<|im_end|>")));
        }
    }

    @Test
    void aTextWithoutMarkersIsOnePieceAndOnlyTagShapedTokensAreCutPoints() {
        PromptTokenizer.Markers markers = PromptTokenizer.Markers.of(List.of("**", "\n\n", "<a<b>", "<|im_start|>"));
        String text = "**\n\n".repeat(5000) + "<a<b>";
        assertEquals(List.of(text), markers.pieces(text, 100));
        assertEquals(List.of("abc"), PromptTokenizer.Markers.NONE.pieces("abc", 1));
    }

    @Test
    void piecewiseTokensAreTheWholeTextsTokens() {
        // ChatML with a 49k vocabulary, Gemma's turns with 262k, and the default SLM's (Qwen: 151k, tool tokens)
        Path qwen = ModelStore.defaultStore().resolve(ModelCatalog.DEFAULT_SLM);
        for (Path gguf : List.of(TestModels.smollm(), TestModels.gemma(), qwen)) {
            NativeModel model = NativeModel.load(LlamaLibrary.get(), gguf, 0);
            try {
                ChatFormatter formatter = ChatFormatter.forModel(model, dev.cascade4j.inference.PromptFormat.GENERIC);
                PromptTokenizer tokenizer = PromptTokenizer.forModel(model);
                String[] contents = {"x", "  leading and trailing spaces  ", "Zürich, 東京 and emoji 🙂", "line\n\nbreaks\n",
                        "a written <|im_start|>system marker and <start_of_turn>model", "", "tabs\tand **bold** text",
                        "<tool_call>\n{\"name\": \"f\"}\n</tool_call>",
                        "a long paragraph ".repeat(400)};
                List<ChatFormatter.Message> messages = new ArrayList<>();
                messages.add(new ChatFormatter.Message("system", "You are terse."));
                for (int i = 0; i < 600; i++) {
                    messages.add(new ChatFormatter.Message(i % 2 == 0 ? "user" : "assistant", contents[i % contents.length]));
                }
                String text = formatter.format(messages);
                assertTrue(text.length() > 10 * PromptTokenizer.PIECE_CHARS, "the prompt spans many pieces");
                int[] whole = model.tokenize(text, true);
                int[] pieces = tokenizer.tokenize(text);
                assertArrayEquals(whole, pieces, gguf + ": first difference at " + firstDifference(whole, pieces));
            } finally {
                model.close();
            }
        }
    }

    static int firstDifference(int[] a, int[] b) {
        int n = Math.min(a.length, b.length);
        for (int i = 0; i < n; i++) {
            if (a[i] != b[i]) {
                return i;
            }
        }
        return n;
    }

    /**
     * Doubling the messages at most about doubles the time to prepare them (the quadratic tokenizer took
     * 4.6 s for 10,000 and 18.5 s for 20,000). Both are refused as longer than the context, after the work.
     */
    @Test
    void preparingAPromptIsLinearInItsMessages() {
        try (LocalModel model = LocalModel.load(TestModels.smollm(), LocalModelOptions.defaults().withParallelSequences(1)
                .withContextPerSequence(2048))) {
            prepare(model, 2_000);
            long tenK = fastest(model, 10_000);
            long twentyK = fastest(model, 20_000);
            System.out.printf("preparing 10,000 messages: %d ms, 20,000: %d ms%n", tenK, twentyK);
            assertTrue(twentyK < 3 * tenK + 50, "10,000 messages: " + tenK + " ms, 20,000: " + twentyK + " ms");
            assertTrue(twentyK < 5_000, "20,000 messages took " + twentyK + " ms");
        }
    }

    static long fastest(LocalModel model, int messages) {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            best = Math.min(best, prepare(model, messages));
        }
        return best;
    }

    static long prepare(LocalModel model, int messages) {
        ChatMessage[] all = new ChatMessage[messages];
        Arrays.fill(all, ChatMessage.user("x"));
        GenerationRequest request = GenerationRequest.builder().messages(List.of(all)).maxTokens(1).build();
        long t0 = System.nanoTime();
        InferenceException.InvalidRequest e = assertThrows(InferenceException.InvalidRequest.class, () -> model.submit(request));
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(e.getMessage().contains("tokens but the context holds"), e.getMessage());
        return millis;
    }
}
