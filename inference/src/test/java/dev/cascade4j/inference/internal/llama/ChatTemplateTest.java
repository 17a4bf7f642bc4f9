package dev.cascade4j.inference.internal.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade4j.inference.ChatMessage;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.PromptFormat;
import dev.cascade4j.inference.TestModels;
import dev.cascade4j.inference.ToolCall;
import dev.cascade4j.inference.ToolChoice;
import dev.cascade4j.inference.ToolSpec;
import dev.cascade4j.inference.internal.grammar.ToolCallFormat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The prompt a model's own template renders equals what Python's jinja2 renders from the same
 * template with Hugging Face's apply_chat_template semantics (references made by
 * scripts/render_chat_template.py from inference/src/test/resources/chat-templates/conversation.json).
 */
class ChatTemplateTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void smolLm2sChatMlTemplateRendersAsJinja2Does() {
        assertModelRendersReference(TestModels.smollm(), "smollm2-135m.txt");
    }

    @Test
    void qwen05bsToolTemplateRendersAsJinja2Does() {
        Optional<Path> qwen = TestModels.qwen05b();
        assumeTrue(qwen.isPresent(), "no Qwen2.5-Coder-0.5B GGUF here; set " + TestModels.QWEN05B_PROPERTY);
        assertModelRendersReference(qwen.get(), "qwen2.5-coder-0.5b.txt");
    }

    @Test
    void qwen15bsToolTemplateRendersAsJinja2Does() {
        Optional<Path> qwen = TestModels.qwen15b();
        assumeTrue(qwen.isPresent(), "no Qwen2.5-Coder-1.5B GGUF here; set " + TestModels.QWEN15B_PROPERTY);
        assertModelRendersReference(qwen.get(), "qwen2.5-coder-1.5b.txt");
    }

    @Test
    void pythonConstructsOfHuggingFaceTemplatesRenderAsJinja2Does() throws IOException {
        ChatTemplate template = new ChatTemplate(resource("features.jinja"), Map.of("bos_token", "<s>", "eos_token", "</s>"));
        GenerationRequest request = conversation();

        String rendered = template.render(TemplateInput.messages(request.messages()), TemplateInput.tools(request.tools()), true);

        assertEquals(resource("features.txt"), rendered);
    }

    @Test
    void aModelWithoutATemplateFallsBackToTheGenericLayoutAndSaysSoOnce() {
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(ChatFormatter.class.getName());
        List<java.util.logging.LogRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        log.addHandler(handler);
        try (NativeModel gemma = NativeModel.load(LlamaLibrary.get(), TestModels.gemma(), 0)) {
            ChatFormatter formatter = ChatFormatter.forModel(gemma, PromptFormat.TEMPLATE);

            assertTrue(!formatter.usesTemplate());
            assertEquals("gemma", formatter.name());
            assertEquals(ToolCallFormat.Syntax.JSON, formatter.toolCallSyntax());
            assertTrue(formatter.format(conversation()).contains("<start_of_turn>user"));
            assertEquals(1, records.stream().filter(r -> r.getLevel() == java.util.logging.Level.WARNING
                    && r.getMessage().contains("no chat template")).count(), records.toString());
        } finally {
            log.removeHandler(handler);
        }
    }

    @Test
    void theFamilyDefaultIsTheTemplateForQwenAndTheGenericLayoutElsewhere() {
        assertEquals(PromptFormat.TEMPLATE, ChatFormatter.familyDefault("qwen2"));
        assertEquals(PromptFormat.GENERIC, ChatFormatter.familyDefault("llama"));
        assertEquals(PromptFormat.GENERIC, ChatFormatter.familyDefault(null));
    }

    @Test
    void bracesInsideAStringLiteralAreText() {
        // Qwen2.5-Coder-1.5B's template prints "{{\"name\": <function-name>, ...}}" this way.
        ChatTemplate template = new ChatTemplate("{{- \"<tool_call>\\n{{\\\"name\\\": 1}}\\n\" + '{% x %}' }}{# {{ #}!", Map.of());

        assertEquals("<tool_call>\n{{\"name\": 1}}\n{% x %}!", template.render(List.of(), null, false));
    }

    @Test
    void raiseExceptionFailsTheRender() {
        ChatTemplate template = new ChatTemplate("{{ raise_exception('Conversation roles must alternate') }}", Map.of());

        var e = assertThrows(ChatTemplate.TemplateException.class, () -> template.render(List.of(), null, true));

        assertTrue(e.getMessage().contains("Conversation roles must alternate"), e.getMessage());
    }

    @Test
    void tojsonWritesWhatPythonsJsonDumpsWrites() {
        Map<String, Object> value = new java.util.LinkedHashMap<>();
        value.put("s", "Zürich \"quoted\"\n\u0001");
        value.put("n", List.of(1, 2.5, 1e-5, 1e16, 123456.0, -0.0, 3_000_000_000L));
        value.put("empty", Map.of());

        assertEquals("{\"s\": \"Zürich \\\"quoted\\\"\\n\\u0001\", \"n\": [1, 2.5, 1e-05, 1e+16, 123456.0, -0.0, 3000000000], \"empty\": {}}",
                PythonJson.dumps(value, null, false));
        assertEquals("[\n  1,\n  [\n    true\n  ]\n]", PythonJson.dumps(List.of(1, List.of(true)), 2, false));
    }

    @Test
    void strftimeFollowsPythonsDirectives() {
        ZonedDateTime t = ZonedDateTime.of(2026, 7, 4, 15, 5, 9, 0, ZoneOffset.UTC);

        assertEquals("04 Jul 2026, Saturday 03:05:09 PM (185) 100%", ChatTemplate.strftime(t, "%d %b %Y, %A %I:%M:%S %p (%j) 100%%"));
    }

    private static void assertModelRendersReference(Path gguf, String reference) {
        try (NativeModel model = NativeModel.load(LlamaLibrary.get(), gguf, 0)) {
            GenerationRequest request = conversation();
            ChatTemplate template = new ChatTemplate(model.chatTemplate(), ChatFormatter.specialTokens(model));
            String expected = resource(reference);

            String rendered = template.render(TemplateInput.messages(request.messages()), TemplateInput.tools(request.tools()), true);

            assertEquals(expected, rendered);
            ChatFormatter formatter = ChatFormatter.forModel(model, PromptFormat.TEMPLATE);
            assertTrue(formatter.usesTemplate());
            if (template.rendersTools()) {
                // The engine's own path (request to prompt) gives the same text.
                assertEquals(expected, formatter.format(request));
                assertEquals(ToolCallFormat.Syntax.TAGGED, formatter.toolCallSyntax());
            }
        }
    }

    /** The fixed conversation: system, user, an assistant turn with two calls, their results, user; two tools. */
    static GenerationRequest conversation() {
        JsonNode root;
        try {
            root = JSON.readTree(resource("conversation.json"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        List<ToolSpec> tools = new ArrayList<>();
        for (JsonNode t : root.get("tools")) {
            JsonNode f = t.get("function");
            tools.add(new ToolSpec(f.get("name").asText(), f.get("description").asText(), f.get("parameters")));
        }
        List<ChatMessage> messages = new ArrayList<>();
        for (JsonNode m : root.get("messages")) {
            String content = m.path("content").asText("");
            messages.add(switch (m.get("role").asText()) {
                case "system" -> ChatMessage.system(content);
                case "user" -> ChatMessage.user(content);
                case "tool" -> ChatMessage.toolResult(m.get("tool_call_id").asText(), m.get("name").asText(), content);
                default -> {
                    List<ToolCall> calls = new ArrayList<>();
                    for (JsonNode c : m.path("tool_calls")) {
                        calls.add(new ToolCall(c.get("id").asText(), c.get("function").get("name").asText(),
                                c.get("function").get("arguments").asText()));
                    }
                    yield new ChatMessage(ChatMessage.Role.ASSISTANT, content, calls, null, null);
                }
            });
        }
        return GenerationRequest.builder().messages(messages).tools(tools).toolChoice(ToolChoice.AUTO).build();
    }

    private static String resource(String name) {
        try (InputStream in = ChatTemplateTest.class.getResourceAsStream("/chat-templates/" + name)) {
            if (in == null) {
                throw new IllegalStateException("test resource chat-templates/" + name + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
