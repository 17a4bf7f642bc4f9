package dev.cascade4j.tools.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cascade4j.inference.ChatMessage;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.inference.ResponseFormat;
import dev.cascade4j.inference.SamplingParams;
import dev.cascade4j.inference.TokenListener;
import dev.cascade4j.inference.ToolCall;
import dev.cascade4j.inference.ToolChoice;
import dev.cascade4j.inference.ToolSpec;
import dev.cascade4j.tools.internal.OpenAiToolFormat;
import dev.cascade4j.router.internal.parse.JsonFields;
import dev.cascade4j.router.internal.schema.SchemaValidator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One OpenAI chat-completions request, checked field by field. Every problem is an {@link ApiError}
 * (400) that names the field, e.g. {@code messages[2].tool_calls[0].function.arguments}. Fields the
 * engine has no use for ({@code user}, {@code metadata}, {@code store}) are ignored, as OpenAI does.
 *
 * @param model          a route, a local model, or {@code auto}
 * @param seeded         the request fixed a seed
 * @param stream         answer as server-sent events
 * @param includeUsage   {@code stream_options.include_usage}: a last chunk carries the token counts
 */
record ChatCompletionRequest(
        String model,
        List<ChatMessage> messages,
        SamplingParams sampling,
        boolean seeded,
        List<ToolSpec> tools,
        ToolChoice toolChoice,
        boolean parallelToolCalls,
        ResponseFormat responseFormat,
        boolean stream,
        boolean includeUsage) {

    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");
    /** Every problem is a 400 naming the field; a problem with the whole body names none. */
    private static final JsonFields.Problems PROBLEMS =
            (path, problem) -> ApiError.invalid(path.isEmpty() ? null : path, (path.isEmpty() ? "the request body" : path) + " " + problem);

    /** Same output for the same request: greedy decoding, or sampling from a fixed seed. */
    public boolean deterministic() {
        return sampling.temperature() == 0 || seeded;
    }

    /** Tools offered and not switched off. */
    public boolean wantsTools() {
        return !tools.isEmpty() && toolChoice.mode() != ToolChoice.Mode.NONE;
    }

    /** The engine request, with the listener that receives the answer as it is generated. */
    public GenerationRequest toGenerationRequest(TokenListener listener) {
        return GenerationRequest.builder()
                .messages(messages)
                .sampling(sampling)
                .tools(tools)
                .toolChoice(toolChoice)
                .parallelToolCalls(parallelToolCalls)
                .responseFormat(responseFormat)
                .listener(listener)
                .build();
    }

    /**
     * Reads and checks a request body.
     *
     * @param defaultMaxTokens answer length when the request sets none
     */
    public static ChatCompletionRequest read(JsonNode json, int defaultMaxTokens) {
        JsonFields body = JsonFields.of(json, "", "a JSON object", PROBLEMS);
        String model = body.requiredString("model");
        if (model.isBlank()) {
            // An empty name is a client bug, not a request for the default: "auto" says that.
            throw ApiError.invalid("model", "model is empty; name a route or a local model, or send \"auto\" "
                    + "to let the router choose (GET /v1/models lists them)");
        }
        JsonNode n = body.get("n");
        if (n != null && (!n.canConvertToExactIntegral() || n.asInt() != 1)) {
            throw ApiError.invalid("n", "n must be 1: one choice per request is supported");
        }
        if (body.optionalBoolean("logprobs", false) || body.present("top_logprobs")) {
            throw ApiError.invalid(body.present("top_logprobs") ? "top_logprobs" : "logprobs", "unsupported_parameter",
                    "logprobs are not returned: the engine reports a confidence per answer instead, "
                            + "in the cascade4j object and the x-cascade4j-confidence header; leave logprobs unset or false");
        }
        for (String penalty : List.of("frequency_penalty", "presence_penalty")) {
            JsonNode p = body.get(penalty);
            if (p != null && (!p.isNumber() || p.asDouble() != 0)) {
                throw ApiError.invalid(penalty, "unsupported_parameter", penalty + " is not supported by local models; leave it unset or 0");
            }
        }
        List<ChatMessage> messages = messages(body);
        List<ToolSpec> tools = tools(body);
        ToolChoice toolChoice = toolChoice(body.get("tool_choice"), tools);
        boolean parallel = body.optionalBoolean("parallel_tool_calls", true); // OpenAI's default
        ResponseFormat format = responseFormat(body.get("response_format"));
        if (!tools.isEmpty() && toolChoice.mode() != ToolChoice.Mode.NONE && !(format instanceof ResponseFormat.Text)) {
            throw ApiError.invalid("response_format", "a request may ask for tool calls or for a response format, not both; "
                    + "drop response_format or set tool_choice to none");
        }
        boolean stream = body.optionalBoolean("stream", false);
        JsonFields streamOptions = body.optionalObject("stream_options", "an object like {\"include_usage\":true}");
        boolean includeUsage = streamOptions != null && streamOptions.optionalBoolean("include_usage", false);
        return new ChatCompletionRequest(model, messages, sampling(body, defaultMaxTokens), body.present("seed"), tools,
                toolChoice, parallel, format, stream, includeUsage);
    }

    private static SamplingParams sampling(JsonFields body, int defaultMaxTokens) {
        SamplingParams s = SamplingParams.DEFAULT.withMaxTokens(defaultMaxTokens);
        String field = null; // the field being applied, named when the engine refuses its value
        try {
            if (body.present("temperature")) {
                field = "temperature";
                double t = body.number("temperature");
                if (t < 0 || t > 2) {
                    throw ApiError.invalid("temperature", "temperature must be between 0 and 2, got " + t);
                }
                s = s.withTemperature(t);
            }
            if (body.present("top_p")) {
                field = "top_p";
                s = s.withTopP(body.number("top_p"));
            }
            String maxField = body.present("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
            if (body.present(maxField)) {
                field = maxField;
                long max = body.integer(maxField);
                if (max < 1) {
                    throw ApiError.invalid(maxField, maxField + " must be at least 1, got " + max);
                }
                s = s.withMaxTokens((int) Math.min(Integer.MAX_VALUE, max));
            }
            if (body.present("seed")) {
                field = "seed";
                s = s.withSeed(body.integer("seed"));
            }
            if (body.present("stop")) {
                field = "stop";
                s = s.withStop(stop(body.get("stop")));
            }
        } catch (InferenceException.InvalidRequest e) {
            throw ApiError.invalid(field, e.getMessage());
        }
        return s;
    }

    private static List<String> stop(JsonNode stop) {
        if (stop.isTextual()) {
            return List.of(stop.asText());
        }
        if (!stop.isArray() || stop.size() > 4) {
            throw ApiError.invalid("stop", "stop must be a string or an array of up to 4 strings");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < stop.size(); i++) {
            if (!stop.get(i).isTextual() || stop.get(i).asText().isEmpty()) {
                throw ApiError.invalid("stop[" + i + "]", "stop[" + i + "] must be a non-empty string");
            }
            out.add(stop.get(i).asText());
        }
        return out;
    }

    private static List<ChatMessage> messages(JsonFields body) {
        JsonNode array = body.get("messages");
        if (array == null) {
            throw ApiError.invalid("messages", "messages is required: an array of {\"role\",\"content\"} objects");
        }
        if (!array.isArray() || array.isEmpty()) {
            throw ApiError.invalid("messages", "messages must be a non-empty array of {\"role\",\"content\"} objects");
        }
        List<ChatMessage> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            out.add(message(array.get(i), "messages[" + i + "]"));
        }
        return out;
    }

    private static ChatMessage message(JsonNode json, String where) {
        JsonFields m = JsonFields.of(json, where, "an object with role and content", PROBLEMS);
        String role = m.requiredString("role");
        if (!ROLES.contains(role)) {
            throw ApiError.invalid(where + ".role", where + ".role must be one of system, developer, user, assistant, tool; got '" + role + "'");
        }
        String content = content(m.get("content"), where + ".content");
        String name = m.optionalString("name");
        return switch (role) {
            case "system", "developer" -> new ChatMessage(ChatMessage.Role.SYSTEM, content, List.of(), null, name);
            case "user" -> new ChatMessage(ChatMessage.Role.USER, content, List.of(), null, name);
            case "assistant" -> new ChatMessage(ChatMessage.Role.ASSISTANT, content, toolCalls(m.get("tool_calls"), where + ".tool_calls"), null, name);
            default -> new ChatMessage(ChatMessage.Role.TOOL, content, List.of(),
                    m.requiredString("tool_call_id"), name);
        };
    }

    /** A string, null, or an array of text parts. */
    private static String content(JsonNode c, String where) {
        if (c == null || c.isNull()) {
            return "";
        }
        if (c.isTextual()) {
            return c.asText();
        }
        if (!c.isArray()) {
            throw ApiError.invalid(where, where + " must be a string or an array of {\"type\":\"text\",\"text\":...} parts");
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < c.size(); i++) {
            JsonNode part = c.get(i);
            String type = part.path("type").asText("");
            if (!type.equals("text")) {
                throw ApiError.invalid(where + "[" + i + "].type", where + "[" + i + "] is of type '" + type
                        + "'; local models read text only: send {\"type\":\"text\",\"text\":...} parts");
            }
            if (!text.isEmpty()) {
                text.append('\n');
            }
            text.append(JsonFields.of(part, where + "[" + i + "]", "an object", PROBLEMS).requiredString("text"));
        }
        return text.toString();
    }

    private static List<ToolCall> toolCalls(JsonNode calls, String where) {
        if (calls == null || calls.isNull()) {
            return List.of();
        }
        if (!calls.isArray()) {
            throw ApiError.invalid(where, where + " must be an array");
        }
        List<ToolCall> out = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            String at = where + "[" + i + "]";
            JsonNode call = calls.get(i);
            if (!call.isObject()) {
                throw ApiError.invalid(at, at + " must be an object with id, type and function");
            }
            JsonNode function = call.get("function");
            if (function == null || !function.isObject()) {
                throw ApiError.invalid(at + ".function", at + ".function is required: {\"name\",\"arguments\"}");
            }
            String name = JsonFields.of(function, at + ".function", "an object", PROBLEMS).requiredString("name");
            JsonNode args = function.get("arguments");
            String arguments;
            if (args == null || args.isNull()) {
                arguments = "{}";
            } else if (args.isTextual()) {
                arguments = args.asText();
            } else {
                throw ApiError.invalid(at + ".function.arguments", at + ".function.arguments must be a string holding a JSON object");
            }
            out.add(new ToolCall(JsonFields.of(call, at, "an object", PROBLEMS).optionalString("id"), name, arguments));
        }
        return out;
    }

    private static List<ToolSpec> tools(JsonFields body) {
        JsonNode array = body.get("tools");
        if (array == null) {
            return List.of();
        }
        if (!array.isArray()) {
            throw ApiError.invalid("tools", "tools must be an array of {\"type\":\"function\",\"function\":{...}} objects");
        }
        List<ToolSpec> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < array.size(); i++) {
            String where = "tools[" + i + "]";
            ToolSpec spec;
            try {
                spec = OpenAiToolFormat.read(array.get(i), where);
            } catch (IllegalArgumentException e) {
                throw ApiError.invalid(where, e.getMessage());
            }
            if (!names.add(spec.name())) {
                throw ApiError.invalid(where + ".function.name", "two tools are named '" + spec.name() + "'; tool names must be unique");
            }
            compile(spec.parameters(), where + ".function.parameters");
            out.add(spec);
        }
        return out;
    }

    private static ToolChoice toolChoice(JsonNode choice, List<ToolSpec> tools) {
        if (choice == null || choice.isNull()) {
            return ToolChoice.AUTO;
        }
        ToolChoice result;
        if (choice.isTextual()) {
            result = switch (choice.asText()) {
                case "auto" -> ToolChoice.AUTO;
                case "none" -> ToolChoice.NONE;
                case "required" -> ToolChoice.REQUIRED;
                default -> throw ApiError.invalid("tool_choice", "tool_choice must be auto, none, required or "
                        + "{\"type\":\"function\",\"function\":{\"name\":...}}; got '" + choice.asText() + "'");
            };
        } else if (choice.isObject() && choice.path("function").path("name").isTextual()) {
            String name = choice.get("function").get("name").asText();
            if (tools.stream().noneMatch(t -> t.name().equals(name))) {
                throw ApiError.invalid("tool_choice", "tool_choice names tool '" + name + "', which is not among the request's tools");
            }
            result = ToolChoice.named(name);
        } else {
            throw ApiError.invalid("tool_choice", "tool_choice must be auto, none, required or {\"type\":\"function\",\"function\":{\"name\":...}}");
        }
        if (tools.isEmpty() && (result.mode() == ToolChoice.Mode.REQUIRED || result.mode() == ToolChoice.Mode.NAMED)) {
            throw ApiError.invalid("tool_choice", "tool_choice " + choice + " needs tools; add tools or drop tool_choice");
        }
        return result;
    }

    private static ResponseFormat responseFormat(JsonNode format) {
        if (format == null || format.isNull()) {
            return ResponseFormat.TEXT;
        }
        String type = JsonFields.of(format, "response_format", "an object like {\"type\":\"json_object\"}", PROBLEMS).requiredString("type");
        return switch (type) {
            case "text" -> ResponseFormat.TEXT;
            case "json_object" -> ResponseFormat.JSON_OBJECT;
            case "json_schema" -> {
                JsonNode js = format.get("json_schema");
                if (js == null || !js.isObject()) {
                    throw ApiError.invalid("response_format.json_schema", "response_format.json_schema is required: {\"name\",\"schema\",\"strict\"}");
                }
                JsonFields.of(js, "response_format.json_schema", "an object", PROBLEMS).optionalBoolean("strict", true);
                JsonNode schema = js.get("schema");
                if (schema == null || schema.isNull()) {
                    throw ApiError.invalid("response_format.json_schema.schema", "response_format.json_schema.schema is required");
                }
                compile(schema, "response_format.json_schema.schema");
                yield ResponseFormat.jsonSchema(schema);
            }
            default -> throw ApiError.invalid("response_format.type", "response_format.type must be text, json_object or json_schema; got '" + type + "'");
        };
    }

    private static void compile(JsonNode schema, String where) {
        try {
            SchemaValidator.compile(schema);
        } catch (SchemaValidator.InvalidSchemaException e) {
            throw ApiError.invalid(where, "invalid_schema", where + ": " + e.getMessage());
        }
    }
}
