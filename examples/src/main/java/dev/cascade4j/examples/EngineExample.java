package dev.cascade4j.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.LocalModel;
import dev.cascade4j.inference.ToolChoice;
import dev.cascade4j.inference.ToolSpec;
import dev.cascade4j.inference.source.ModelStore;
import java.util.List;

/** The engine without the router: one local model, a tool call under the grammar, and how sure the model was. */
public final class EngineExample {
    private EngineExample() {
    }

    public static void main(String[] args) throws Exception {
        JsonNode schema = new ObjectMapper().readTree("""
                {"type": "object", "properties": {"city": {"type": "string", "maxLength": 30},
                 "unit": {"enum": ["celsius", "fahrenheit"]}}, "required": ["city", "unit"]}""");
        // readme:engine-begin
        try (LocalModel model = LocalModel.load(ModelStore.defaultStore().resolve("qwen2.5-coder-0.5b"))) {
            GenerationResult r = model.generate(GenerationRequest.builder()
                    .user("What is the weather in Paris in celsius?")
                    .tools(List.of(new ToolSpec("get_weather", "Current weather", schema)))
                    .toolChoice(ToolChoice.REQUIRED)
                    .build());
            System.out.println(r.toolCalls());          // [ToolCall[id=call_1, name=get_weather, arguments={"city":"Paris","unit":"celsius"}]]
            System.out.println(r.confidence().score()); // in [0, 1], from raw log-probabilities of the decision tokens
        }
        // readme:engine-end
    }
}
