package dev.cascade4j.router.internal;

import dev.cascade4j.inference.ChatMessage;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.ResponseFormat;
import dev.cascade4j.inference.ToolChoice;
import dev.cascade4j.inference.ToolSpec;
import dev.cascade4j.router.config.Route;
import dev.cascade4j.router.internal.classify.Encoder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** What the router reads from a request (the text it classifies) and what it sends a route's model. */
public final class RouteRequests {
    // The encoder reads 256 word pieces at most; longer text only costs time.
    private static final int CLIP = 2000;

    private RouteRequests() {
    }

    /**
     * The request as the route's SLM sees it: the route's system prompt unless the request has its
     * own, the request's tools (limited to the route's) or else the route's own, and the route's output
     * schema when the request asks for no format and no tools.
     */
    public static GenerationRequest forRoute(Route route, GenerationRequest request) {
        List<ChatMessage> messages = request.messages();
        boolean hasSystem = messages.stream().anyMatch(m -> m.role() == ChatMessage.Role.SYSTEM);
        if (!hasSystem && !route.systemPrompt().isBlank()) {
            List<ChatMessage> withSystem = new ArrayList<>();
            withSystem.add(ChatMessage.system(route.systemPrompt()));
            withSystem.addAll(messages);
            messages = withSystem;
        }
        List<ToolSpec> tools = request.tools();
        ToolChoice choice = request.toolChoice();
        if (!tools.isEmpty() && !route.toolNames().isEmpty()) {
            Set<String> allowed = new HashSet<>(route.toolNames());
            route.tools().forEach(t -> allowed.add(t.name()));
            tools = tools.stream().filter(t -> allowed.contains(t.name())).toList();
            if (tools.isEmpty() || (choice.mode() == ToolChoice.Mode.NAMED && !allowed.contains(choice.toolName()))) {
                choice = tools.isEmpty() ? ToolChoice.AUTO : ToolChoice.REQUIRED;
            }
        }
        ResponseFormat format = request.responseFormat();
        if (request.tools().isEmpty() && !route.tools().isEmpty() && format instanceof ResponseFormat.Text) {
            tools = route.tools();
        }
        if (tools.isEmpty() && format instanceof ResponseFormat.Text && route.outputSchema() != null) {
            format = ResponseFormat.jsonSchema(route.outputSchema());
        }
        return new GenerationRequest(messages, request.sampling(), tools, choice, request.parallelToolCalls(), format, request.listener());
    }

    /** The same request offering these tools, in this order. */
    public static GenerationRequest withTools(GenerationRequest r, List<ToolSpec> tools) {
        return new GenerationRequest(r.messages(), r.sampling(), tools, r.toolChoice(), r.parallelToolCalls(), r.responseFormat(), r.listener());
    }

    /**
     * The text the classifier sees: the last user message with something readable in it, else everything
     * said. It may be empty (the classifier calls that out of scope).
     */
    public static String classificationText(GenerationRequest request) {
        List<ChatMessage> messages = request.messages();
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i).role() == ChatMessage.Role.USER && !Encoder.readable(messages.get(i).content()).isBlank()) {
                return clip(messages.get(i).content());
            }
        }
        // Joined only up to what the classifier reads: the cached path runs on an event loop.
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < messages.size() && all.length() <= CLIP; i++) {
            all.append(i == 0 ? "" : "\n").append(messages.get(i).content(), 0, Math.min(messages.get(i).content().length(), CLIP + 1));
        }
        return clip(all.toString());
    }

    private static String clip(String text) {
        return text.length() > CLIP ? text.substring(0, CLIP) : text;
    }
}
