package dev.cascade4j.inference.llama;

import static java.lang.foreign.ValueLayout.ADDRESS;

import dev.cascade4j.inference.ChatMessage;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Turns a conversation into the prompt text a model was trained on. Uses the model's own template
 * through {@code llama_chat_apply_template} when llama.cpp recognises it, and a plain
 * "Role: text" layout for models without a template it knows (base models, new families).
 * Roles the templates do not know (tool results) arrive here already rewritten as user turns.
 */
final class ChatFormatter {
    static final String PLAIN = "plain";

    private final LlamaLibrary lib;
    private final String template;
    private final String name;

    private ChatFormatter(LlamaLibrary lib, String template, String name) {
        this.lib = lib;
        this.template = template;
        this.name = name;
    }

    static ChatFormatter forModel(NativeModel model) {
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
