package dev.cascade4j.cli.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.cascade4j.inference.ChatMessage;
import dev.cascade4j.inference.ResponseFormat;
import dev.cascade4j.inference.ToolCall;
import dev.cascade4j.inference.ToolChoice;
import dev.cascade4j.inference.ToolSpec;
import dev.cascade4j.inference.grammar.JsonSchemaGrammar;
import dev.cascade4j.router.config.RouterConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The evaluation set kept with the router: complete, consistent, and its ground truth valid against its own schemas. */
class SubtasksDatasetTest {
    /** The embedded routes on SmolLM2, the tiny model of the fast tests, with no large tier. */
    static final String SMOLLM = "smollm2-135m";

    static RouterConfig tinyDefaults() {
        return RouterConfig.defaults().withSlm(SMOLLM).withoutLargeModels();
    }

    static final JsonSchemaFactory SCHEMAS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    static List<EvalItem> items;

    @BeforeAll
    static void read() {
        items = EvalItem.defaults();
    }

    @Test
    void hasAtLeast800ItemsWithUniqueIds() throws IOException {
        assertTrue(items.size() >= 800, "items: " + items.size());
        try (InputStream in = EvalItem.class.getResourceAsStream(EvalItem.DEFAULT_RESOURCE)) {
            List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
            Set<String> ids = new HashSet<>();
            ObjectMapper json = new ObjectMapper();
            for (String l : lines) {
                assertTrue(ids.add(json.readTree(l).get("id").asText()), "duplicate id in " + l);
            }
            assertEquals(items.size(), ids.size());
        }
    }

    @Test
    void everyKindIsThereInBothSplits() {
        Map<EvalItem.Kind, List<EvalItem>> byKind = items.stream().collect(Collectors.groupingBy(EvalItem::kind,
                () -> new EnumMap<>(EvalItem.Kind.class), Collectors.toList()));
        assertEquals(Set.of(EvalItem.Kind.values()), byKind.keySet());
        byKind.forEach((kind, list) -> {
            assertTrue(list.size() >= 75, kind + ": " + list.size());
            long cal = list.stream().filter(EvalItem::inCalibrationSplit).count();
            assertTrue(cal >= 25 && list.size() - cal >= 25, kind + " splits: " + cal + " calibration of " + list.size());
        });
        double calShare = items.stream().filter(EvalItem::inCalibrationSplit).count() / (double) items.size();
        assertTrue(calShare > 0.5 && calShare < 0.7, "calibration share " + calShare);
    }

    @Test
    void everyToolCallVariantIsThereInBothSplits() {
        Map<String, List<EvalItem>> byVariant = new TreeMap<>();
        for (EvalItem item : items) {
            if (item.kind() == EvalItem.Kind.TOOL_CALL) {
                assertTrue(VARIANTS.contains(item.variant()), item.id() + " has variant " + item.variant());
                byVariant.computeIfAbsent(item.variant(), v -> new ArrayList<>()).add(item);
            } else {
                assertNull(item.variant(), item.id());
            }
        }
        assertEquals(VARIANTS, byVariant.keySet());
        byVariant.forEach((variant, list) -> {
            long cal = list.stream().filter(EvalItem::inCalibrationSplit).count();
            assertTrue(cal >= 25 && list.size() - cal >= 25, variant + " splits: " + cal + " calibration of " + list.size());
        });
        assertTrue(byVariant.get("single").size() < toolCallItems().size() / 2, "single calls are under half of the tool-call items");
    }

    static final Set<String> VARIANTS = new TreeSet<>(List.of("single", "parallel", "no_tool", "follow_up"));

    @Test
    void expectedRoutesExistInTheDefaultConfiguration() {
        RouterConfig config = tinyDefaults();
        for (EvalItem item : items) {
            if (item.kind() == EvalItem.Kind.OUT_OF_SCOPE) {
                assertNull(item.expected().route(), item.id());
            } else {
                assertNotNull(config.route(item.expected().route()), item.id() + " names route " + item.expected().route());
                assertEquals(item.kind().key(), item.expected().route(), item.id());
            }
        }
    }

    @Test
    void expectedToolCallsValidateAgainstTheirToolsSchemas() {
        int checked = 0;
        for (EvalItem item : toolCallItems()) {
            assertTrue(item.tools().size() >= 1 && item.tools().size() <= 6, item.id() + " offers " + item.tools().size() + " tools");
            assertEquals(item.tools().size(), item.tools().stream().map(ToolSpec::name).distinct().count(), item.id() + ": tool names repeat");
            assertTrue(item.variant().equals("single") ? item.toolChoice() != ToolChoice.NONE : item.toolChoice() == ToolChoice.AUTO,
                    item.id() + ": tool_choice " + item.toolChoice());
            for (EvalItem.Expected.Call call : item.expected().calls()) {
                assertValid(tool(item, call.tool()).parameters(), call.arguments(), item.id());
                checked++;
            }
        }
        assertTrue(checked >= 300, "expected calls: " + checked);
    }

    @Test
    void everyOfferedToolsSchemaIsEnforcedExactlyByTheGrammar() {
        Set<String> seen = new TreeSet<>();
        for (EvalItem item : toolCallItems()) {
            for (ToolSpec tool : item.tools()) {
                if (seen.add(tool.name() + tool.parameters())) {
                    assertEquals(List.of(), JsonSchemaGrammar.relaxations(tool.parameters()), item.id() + ": " + tool.name());
                }
            }
        }
        assertTrue(seen.size() >= 20, "distinct tool schemas: " + seen.size());
    }

    @Test
    void eachVariantExpectsItsOwnSortOfAnswer() {
        for (EvalItem item : toolCallItems()) {
            EvalItem.Expected e = item.expected();
            int calls = e.calls().size();
            switch (item.variant()) {
                case "single" -> assertEquals(1, calls, item.id());
                case "parallel" -> {
                    assertTrue(calls >= 2 && calls <= 3, item.id() + " expects " + calls + " calls");
                    assertEquals(calls, e.calls().stream().distinct().count(), item.id() + ": calls repeat");
                }
                case "no_tool" -> assertTrue(e.noCall() && calls == 0 && !item.tools().isEmpty(), item.id());
                case "follow_up" -> assertTrue(e.answerTerms().isEmpty() != (calls == 0), item.id() + ": a reply or a next call");
                default -> throw new AssertionError(item.id());
            }
            if (!item.variant().equals("follow_up")) {
                assertEquals(1, item.messages().size(), item.id() + ": one user message");
                assertEquals(ChatMessage.Role.USER, item.messages().getFirst().role(), item.id());
            }
        }
    }

    @Test
    void followUpsEndWithTheResultsOfTheAssistantsCalls() {
        int checked = 0;
        for (EvalItem item : toolCallItems().stream().filter(i -> i.variant().equals("follow_up")).toList()) {
            List<ChatMessage> messages = item.messages();
            assertEquals(ChatMessage.Role.TOOL, messages.getLast().role(), item.id() + " ends with a tool result");
            int a = messages.size() - 1;
            while (a >= 0 && messages.get(a).role() == ChatMessage.Role.TOOL) {
                a--;
            }
            assertTrue(a >= 1 && messages.get(a).role() == ChatMessage.Role.ASSISTANT && !messages.get(a).toolCalls().isEmpty(),
                    item.id() + ": the results follow the assistant's calls");
            List<ToolCall> calls = messages.get(a).toolCalls();
            List<String> answered = messages.subList(a + 1, messages.size()).stream().map(ChatMessage::toolCallId).toList();
            assertEquals(calls.stream().map(ToolCall::id).toList(), answered, item.id() + ": every call answered, by its id");
            StringBuilder results = new StringBuilder();
            for (int k = 0; k < calls.size(); k++) {
                ToolCall call = calls.get(k);
                assertEquals(call.name(), messages.get(a + 1 + k).name(), item.id());
                assertValid(tool(item, call.name()).parameters(), read(call.arguments()), item.id());
                results.append(messages.get(a + 1 + k).content().toLowerCase(Locale.ROOT)).append('\n');
            }
            item.expected().answerTerms().forEach(t -> assertTrue(results.toString().contains(t.toLowerCase(Locale.ROOT)),
                    item.id() + ": '" + t + "' is not in the tool's result"));
            checked++;
        }
        assertTrue(checked >= 75, "follow-ups: " + checked);
    }

    private static List<EvalItem> toolCallItems() {
        return items.stream().filter(i -> i.kind() == EvalItem.Kind.TOOL_CALL).toList();
    }

    private static ToolSpec tool(EvalItem item, String name) {
        ToolSpec tool = item.tools().stream().filter(t -> t.name().equals(name)).findFirst().orElse(null);
        assertNotNull(tool, item.id() + " expects a tool it does not offer: " + name);
        return tool;
    }

    private static JsonNode read(String json) {
        try {
            return new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new AssertionError(json, e);
        }
    }

    @Test
    void expectedObjectsAndLabelsValidateAgainstTheResponseFormat() {
        for (EvalItem item : items) {
            if (item.kind() == EvalItem.Kind.EXTRACT) {
                assertValid(schema(item), item.expected().object(), item.id());
            } else if (item.kind() == EvalItem.Kind.CLASSIFY) {
                JsonNode answer = new ObjectMapper().createObjectNode().put("label", item.expected().label());
                assertValid(schema(item), answer, item.id());
                assertTrue(item.messages().getLast().content().toLowerCase().contains(item.expected().label()),
                        item.id() + ": the prompt names the label set");
            }
        }
    }

    @Test
    void summariesHaveKeyTermsFromTheirTextAndReasoningHasAnAnswer() {
        for (EvalItem item : items) {
            String prompt = item.messages().getLast().content().toLowerCase();
            if (item.kind() == EvalItem.Kind.SUMMARIZE) {
                item.expected().keyTerms().forEach(t -> assertTrue(prompt.contains(t.toLowerCase()), item.id() + " lacks " + t));
            } else if (item.kind() == EvalItem.Kind.REASON) {
                assertTrue(!item.expected().answer().isBlank(), item.id());
            }
        }
    }

    private static JsonNode schema(EvalItem item) {
        assertTrue(item.responseFormat() instanceof ResponseFormat.JsonSchema, item.id() + " asks for a JSON schema");
        return ((ResponseFormat.JsonSchema) item.responseFormat()).schema();
    }

    private static void assertValid(JsonNode schema, JsonNode value, String id) {
        Set<ValidationMessage> errors = SCHEMAS.getSchema(schema).validate(value);
        assertTrue(errors.isEmpty(), id + ": " + value + " does not validate: " + errors);
    }
}
