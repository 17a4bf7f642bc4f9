package dev.cascade4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.inference.LocalModel;
import dev.cascade4j.inference.LocalModelOptions;
import dev.cascade4j.inference.ResponseFormat;
import dev.cascade4j.inference.SamplingParams;
import dev.cascade4j.inference.ToolCall;
import dev.cascade4j.inference.ToolChoice;
import dev.cascade4j.inference.ToolSpec;
import dev.cascade4j.inference.source.ModelStore;
import dev.cascade4j.tools.internal.OpenAiToolFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./cascade4j chat}: one prompt answered (streamed), or a chat on standard input; a model straight, no router. */
@Command(name = "chat", description = {"Answer one prompt (streamed) on a model, or chat on standard input.",
        "With --json-schema or --tools the answer is generated under a grammar, so it always parses."})
final class ChatCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--model", paramLabel = "REF", description = "the model (default ${DEFAULT-VALUE})")
    String model = ModelStore.DEFAULT_MODEL;
    @Option(names = "--prompt", paramLabel = "TEXT", description = "the prompt; without it, one prompt per line of standard input")
    String prompt;
    @Option(names = "--system", paramLabel = "TEXT", description = "a system message")
    String system;
    @Option(names = "--json-schema", paramLabel = "FILE", description = "answer JSON under this schema")
    Path jsonSchema;
    @Option(names = "--tools", paramLabel = "FILE", description = "answer with calls to these tools (OpenAI format)")
    Path tools;
    @Option(names = "--strict", description = "refuse a schema with keywords the grammar cannot enforce exactly")
    boolean strict;
    @Option(names = "--tool-choice", paramLabel = "auto|required|none|NAME", description = "with --tools (default ${DEFAULT-VALUE})")
    String toolChoice = "required";
    @Option(names = "--max-tokens", paramLabel = "N", description = "answer length (default ${DEFAULT-VALUE})")
    int maxTokens = 256;
    @Option(names = "--temperature", paramLabel = "T", description = "0 is greedy (default ${DEFAULT-VALUE})")
    double temperature = 0;
    @Option(names = "--seed", paramLabel = "N", description = "sampling seed (default ${DEFAULT-VALUE})")
    int seed = 0;

    @Override
    public Integer call() {
        if (jsonSchema != null && tools != null) {
            throw new Cli.UsageException("--json-schema and --tools exclude each other: an answer is JSON or tool calls");
        }
        Path gguf = ModelStore.defaultStore().resolve(model);
        SamplingParams sampling = SamplingParams.DEFAULT.withMaxTokens(maxTokens).withTemperature(temperature).withSeed(seed);
        LocalModelOptions options = LocalModelOptions.defaults().withParallelSequences(1).withStrictSchemas(strict);
        try (LocalModel loaded = LocalModel.load(gguf, options)) {
            if (prompt != null) {
                return answer(loaded, sampling, prompt);
            }
            System.err.println("Chatting with " + loaded.info().name() + "; an empty line ends.");
            var in = new java.util.Scanner(System.in);
            while (true) {
                System.err.print("> ");
                if (!in.hasNextLine()) {
                    return 0;
                }
                String line = in.nextLine();
                if (line.isBlank()) {
                    return 0;
                }
                answer(loaded, sampling, line);
            }
        }
    }

    private int answer(LocalModel loaded, SamplingParams sampling, String text) {
        GenerationRequest.Builder req = GenerationRequest.builder().sampling(sampling);
        if (system != null) {
            req.system(system);
        }
        req.user(text);
        boolean structured = jsonSchema != null || tools != null;
        if (jsonSchema != null) {
            req.responseFormat(ResponseFormat.jsonSchema(readJson(jsonSchema)));
        }
        if (tools != null) {
            req.tools(readTools(tools));
            req.toolChoice(switch (toolChoice) {
                case "auto" -> ToolChoice.AUTO;
                case "required" -> ToolChoice.REQUIRED;
                case "none" -> ToolChoice.NONE;
                default -> ToolChoice.named(toolChoice);
            });
        }
        if (!structured) {
            req.listener(t -> {
                System.out.print(t);
                System.out.flush();
            });
        }
        GenerationResult r = loaded.generate(req.build());
        if (r.hasToolCalls()) {
            System.out.println(toolCallsJson(r.toolCalls()).toPrettyString());
        } else if (structured) {
            System.out.println(r.text());
        } else {
            System.out.println();
        }
        System.err.printf("[%s, %d prompt + %d answer tokens (%d forced), %.0f ms, confidence %.3f]%n", r.finishReason(),
                r.usage().promptTokens(), r.usage().completionTokens(), r.usage().forcedTokens(), r.timings().totalMillis(), r.confidence().score());
        return 0;
    }

    /** Tool calls in the OpenAI {@code tool_calls} shape. */
    static ArrayNode toolCallsJson(List<ToolCall> calls) {
        ArrayNode arr = JSON.createArrayNode();
        for (ToolCall c : calls) {
            ObjectNode call = arr.addObject().put("id", c.id()).put("type", "function");
            call.putObject("function").put("name", c.name()).put("arguments", c.arguments());
        }
        return arr;
    }

    private static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new InferenceException.InvalidRequest("cannot read JSON from " + file + ": " + e.getMessage());
        }
    }

    /** Tools in the OpenAI format, an array or one tool; bare function objects are read too. */
    static List<ToolSpec> readTools(Path file) {
        JsonNode root = readJson(file);
        List<ToolSpec> out = new ArrayList<>();
        JsonNode list = root.isArray() ? root : JSON.createArrayNode().add(root);
        for (int i = 0; i < list.size(); i++) {
            out.add(OpenAiToolFormat.read(list.get(i), file + ": " + (root.isArray() ? "[" + i + "]" : "the tool")));
        }
        return out;
    }
}
