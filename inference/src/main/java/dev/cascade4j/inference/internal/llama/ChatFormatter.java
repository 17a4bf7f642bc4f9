package dev.cascade4j.inference.internal.llama;

import static java.lang.foreign.ValueLayout.ADDRESS;

import dev.cascade4j.inference.ChatMessage;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.PromptFormat;
import dev.cascade4j.inference.internal.grammar.ToolCallFormat;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Turns a request into the prompt text a model reads: the model's own chat template ({@link ChatTemplate},
 * tools, tool calls and tool results in its layout) or the generic layout (llama.cpp's built-in template
 * when it recognises the model's, a plain "Role: text" layout otherwise, tools described in the system
 * message). Which one follows {@link PromptFormat}; a model without a template, or whose template fails
 * to render, gets the generic layout, and the log says so once.
 */
final class ChatFormatter {
    static final String PLAIN = "plain";
    /** The name of the layout when the model's own Jinja template renders the prompt. */
    static final String JINJA = "jinja";
    private static final System.Logger LOG = System.getLogger(ChatFormatter.class.getName());
    /** Families whose own template measured better than the generic layout on the labelled tool-call items. */
    private static final Set<String> TEMPLATE_FAMILIES = Set.of("qwen2");

    private final LlamaLibrary lib;
    private final String template;
    private final String name;
    private final String genericName;
    private final ChatTemplate jinja;
    private final String modelName;
    private final String bosText;
    private final AtomicBoolean fallbackLogged = new AtomicBoolean();

    private ChatFormatter(LlamaLibrary lib, String template, String name) {
        this(lib, template, name, name, null, "", null);
    }

    private ChatFormatter(LlamaLibrary lib, String template, String name, String genericName, ChatTemplate jinja, String modelName,
                          String bosText) {
        this.lib = lib;
        this.template = template;
        this.name = name;
        this.genericName = genericName;
        this.jinja = jinja;
        this.modelName = modelName;
        this.bosText = bosText;
    }

    static ChatFormatter forModel(NativeModel model, PromptFormat format) {
        ChatFormatter generic = generic(model);
        String architecture = model.metadata("general.architecture");
        PromptFormat chosen = format == PromptFormat.AUTO ? familyDefault(architecture) : format;
        if (chosen != PromptFormat.TEMPLATE) {
            return generic;
        }
        String modelName = model.path.getFileName().toString();
        String source = model.chatTemplate();
        if (source == null) {
            LOG.log(System.Logger.Level.WARNING, "model " + modelName + " has no chat template; its prompts use the generic layout ("
                    + generic.name + ")");
            return generic;
        }
        ChatTemplate jinja = new ChatTemplate(source, specialTokens(model));
        try {
            jinja.render(List.of(Map.of("role", "user", "content", "hi")), null, true);
        } catch (ChatTemplate.TemplateException e) {
            LOG.log(System.Logger.Level.WARNING, "the chat template of model " + modelName + " does not render (" + e.getMessage()
                    + "); its prompts use the generic layout (" + generic.name + ")");
            return generic;
        }
        String bos = model.addsBos() ? tokenText(model, bosId(model)) : null;
        return new ChatFormatter(model.lib, generic.template, JINJA, generic.name, jinja, modelName, bos);
    }

    /** The prompt format a family uses when none is chosen: its own template where that measured better. */
    static PromptFormat familyDefault(String architecture) {
        return architecture != null && TEMPLATE_FAMILIES.contains(architecture) ? PromptFormat.TEMPLATE : PromptFormat.GENERIC;
    }

    private static ChatFormatter generic(NativeModel model) {
        String template = model.chatTemplate();
        if (template == null) {
            template = familyTemplate(model.metadata("general.architecture"));
        }
        if (template != null) {
            ChatFormatter builtin = new ChatFormatter(model.lib, template, "builtin");
            if (builtin.applyBuiltin(List.of(new Message("user", "hi")), true) != null) {
                return new ChatFormatter(model.lib, template, describe(template));
            }
        }
        return new ChatFormatter(model.lib, null, PLAIN);
    }

    // The variables Hugging Face passes from special_tokens_map: the text of the BOS, EOS, unknown and padding tokens.
    static Map<String, Object> specialTokens(NativeModel model) {
        Map<String, Object> tokens = new LinkedHashMap<>();
        for (String[] key : new String[][] {{"bos", "bos_token"}, {"eos", "eos_token"}, {"unknown", "unk_token"}, {"padding", "pad_token"}}) {
            String id = model.metadata("tokenizer.ggml." + key[0] + "_token_id");
            if (id != null) {
                try {
                    tokens.put(key[1], tokenText(model, Integer.parseInt(id.strip())));
                } catch (NumberFormatException e) {
                    // not a token id: leave the variable undefined, as Hugging Face does for a missing token
                }
            }
        }
        return tokens;
    }

    private static int bosId(NativeModel model) {
        try {
            return (int) model.lib.vocabBos.invokeExact(model.vocab);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    // The token as text with control tokens written out (<|im_end|>), as a template prints it.
    private static String tokenText(NativeModel model, int token) {
        if (token < 0 || token >= model.vocabSize) {
            return "";
        }
        try (Arena arena = Arena.ofConfined()) {
            int size = 64;
            while (true) {
                MemorySegment buf = arena.allocate(size);
                int n = (int) model.lib.tokenToPiece.invokeExact(model.vocab, token, buf, size, 0, true);
                if (n >= 0) {
                    return new String(buf.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
                }
                size = -n;
            }
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    // Base models often ship without a template but were pretrained with their family's turn markers
    // (Gemma's <start_of_turn>); llama.cpp accepts a built-in template's name in place of its text.
    private static String familyTemplate(String architecture) {
        if (architecture == null) {
            return null;
        }
        if (architecture.startsWith("gemma")) {
            return "gemma";
        }
        if (architecture.startsWith("qwen")) {
            return "chatml";
        }
        return null;
    }

    // A short name for logs and ModelInfo; llama.cpp detects the family from the template text.
    private static String describe(String template) {
        if (template.equals("gemma") || template.contains("<start_of_turn>")) {
            return "gemma";
        }
        if (template.equals("chatml") || template.contains("<|im_start|>")) {
            return "chatml";
        }
        if (template.contains("<|start_header_id|>")) {
            return "llama3";
        }
        return "builtin";
    }

    String name() {
        return name;
    }

    /** Whether prompts come from the model's own template. */
    boolean usesTemplate() {
        return jinja != null;
    }

    /** The call wrapper the prompt teaches, which the grammar forces when a call is required. */
    ToolCallFormat.Syntax toolCallSyntax() {
        return jinja != null && jinja.rendersTools() && jinja.teachesToolCallTags() ? ToolCallFormat.Syntax.TAGGED : ToolCallFormat.Syntax.JSON;
    }

    /**
     * The prompt for a request, the assistant's turn opened. The model's template lays out the tools
     * when it knows them; otherwise the tools go into the system message with the generic instructions.
     */
    String format(GenerationRequest request) {
        if (jinja != null) {
            try {
                String text = jinja.render(templateMessages(request), jinja.rendersTools() && request.wantsTools()
                        ? TemplateInput.tools(request.tools()) : null, true);
                // The tokenizer adds the BOS itself for models that want one.
                return bosText != null && !bosText.isEmpty() && text.startsWith(bosText) ? text.substring(bosText.length()) : text;
            } catch (ChatTemplate.TemplateException e) {
                if (fallbackLogged.compareAndSet(false, true)) {
                    LOG.log(System.Logger.Level.WARNING, "the chat template of model " + modelName + " failed to render a request ("
                            + e.getMessage() + "); such requests use the generic layout (" + genericName + ")");
                }
            }
        }
        return format(genericMessages(request));
    }

    // The conversation as Hugging Face hands it to a template: OpenAI's shape, call arguments as objects.
    private List<Map<String, Object>> templateMessages(GenerationRequest request) {
        if (!jinja.rendersTools()) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Message m : genericMessages(request)) {
                out.add(TemplateInput.message(m.role(), m.content()));
            }
            return out;
        }
        return TemplateInput.messages(request.messages());
    }

    // Today's layout: tool results as user turns, calls as compact JSON, the tools described in the system message.
    static List<Message> genericMessages(GenerationRequest request) {
        List<Message> messages = new ArrayList<>();
        String toolInstructions = request.wantsTools()
                ? ToolCallFormat.instructions(request.tools(), request.toolChoice(), request.parallelToolCalls()) : null;
        boolean systemSeen = false;
        for (ChatMessage m : request.messages()) {
            String content = switch (m.role()) {
                case TOOL -> "Result of tool " + (m.name() == null ? "call" : m.name())
                        + (m.toolCallId() == null ? "" : " (" + m.toolCallId() + ")") + ":\n" + m.content();
                case ASSISTANT -> m.toolCalls().isEmpty() ? m.content() : ToolCallFormat.render(m.toolCalls());
                default -> m.content();
            };
            if (m.role() == ChatMessage.Role.SYSTEM && toolInstructions != null && !systemSeen) {
                content = content + "\n\n" + toolInstructions;
                systemSeen = true;
            }
            messages.add(new Message(roleName(m.role()), content));
        }
        if (toolInstructions != null && !systemSeen) {
            messages.addFirst(new Message("system", toolInstructions));
        }
        return messages;
    }

    record Message(String role, String content) {
    }

    /** Formats the messages and opens the assistant's turn. */
    String format(List<Message> messages) {
        if (template != null) {
            String text = applyBuiltin(messages, true);
            if (text != null) {
                return text;
            }
        }
        return plain(messages);
    }

    static String roleName(ChatMessage.Role role) {
        return switch (role) {
            case SYSTEM -> "system";
            case USER, TOOL -> "user";
            case ASSISTANT -> "assistant";
        };
    }

    private static String plain(List<Message> messages) {
        StringBuilder sb = new StringBuilder();
        for (Message m : messages) {
            String role = Character.toUpperCase(m.role().charAt(0)) + m.role().substring(1);
            sb.append(role).append(": ").append(m.content().strip()).append("\n\n");
        }
        return sb.append("Assistant:").toString();
    }

    private String applyBuiltin(List<Message> messages, boolean openAssistantTurn) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment chat = arena.allocate(LlamaStructs.CHAT_MESSAGE, messages.size());
            int totalBytes = 0;
            for (int i = 0; i < messages.size(); i++) {
                Message m = messages.get(i);
                MemorySegment slot = chat.asSlice(i * LlamaStructs.CHAT_MESSAGE.byteSize(), LlamaStructs.CHAT_MESSAGE);
                slot.set(ADDRESS, 0, arena.allocateFrom(m.role()));
                slot.set(ADDRESS, 8, arena.allocateFrom(m.content()));
                totalBytes += m.content().getBytes(StandardCharsets.UTF_8).length;
            }
            MemorySegment tmpl = arena.allocateFrom(template);
            // Room for the template's markup around every message, so many short messages are not formatted twice.
            int capacity = 2 * totalBytes + 64 * messages.size() + 256;
            while (true) {
                MemorySegment buf = arena.allocate(capacity);
                int n = (int) lib.chatApplyTemplate.invokeExact(tmpl, chat, (long) messages.size(), openAssistantTurn, buf, capacity);
                if (n < 0) {
                    return null; // llama.cpp does not know this template
                }
                if (n <= capacity) {
                    return new String(buf.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
                }
                capacity = n + 1;
            }
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
