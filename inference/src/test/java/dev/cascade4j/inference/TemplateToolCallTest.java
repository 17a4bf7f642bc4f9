package dev.cascade4j.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A model whose template teaches {@code <tool_call>} tags gets its prompt from that template and, when a
 * call is required, writes the call in those tags; the call comes back in {@code tool_calls} and the
 * text is empty. Holds for any output the grammar admits, so it does not depend on the CPU backend.
 */
class TemplateToolCallTest {

    @Test
    void aRequiredCallOnQwenIsWrittenInTheTemplatesTags() throws Exception {
        Optional<Path> qwen = TestModels.qwen05b();
        assumeTrue(qwen.isPresent(), "no Qwen2.5-Coder-0.5B GGUF here; set " + TestModels.QWEN05B_PROPERTY);
        ToolSpec weather = new ToolSpec("get_weather", "Current weather for a city.", new ObjectMapper().readTree(
                "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"],\"additionalProperties\":false}"));
        StringBuilder streamed = new StringBuilder();
        try (LocalModel model = LocalModel.load(qwen.get(), LocalModelOptions.defaults().withParallelSequences(1).withContextPerSequence(1024))) {
            assertEquals("jinja", model.info().chatTemplate(), "the Qwen2 family renders its own template by default");

            GenerationResult r = model.generate(GenerationRequest.builder().user("Weather in Oslo?").tools(List.of(weather))
                    .toolChoice(ToolChoice.REQUIRED).maxTokens(40).listener(streamed::append).build());

            assertEquals(FinishReason.TOOL_CALLS, r.finishReason(), streamed.toString());
            assertEquals("get_weather", r.toolCalls().getFirst().name());
            assertTrue(streamed.toString().startsWith("<tool_call>\n{\"name\":\"get_weather\",\"arguments\":{"), streamed.toString());
            assertEquals("", r.text());
        }
    }
}
