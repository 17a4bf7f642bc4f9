package dev.cascade4j.router.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.cascade4j.inference.ResponseFormat;
import dev.cascade4j.inference.ToolChoice;
import dev.cascade4j.inference.ToolSpec;
import dev.cascade4j.router.config.RouterConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    void hasAtLeast330ItemsWithUniqueIds() throws IOException {
        assertTrue(items.size() >= 330, "items: " + items.size());
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
            assertTrue(list.size() >= 40, kind + ": " + list.size());
            long cal = list.stream().filter(EvalItem::inCalibrationSplit).count();
            assertTrue(cal >= 10 && list.size() - cal >= 10, kind + " splits: " + cal + " calibration of " + list.size());
        });
        double calShare = items.stream().filter(EvalItem::inCalibrationSplit).count() / (double) items.size();
        assertTrue(calShare > 0.5 && calShare < 0.7, "calibration share " + calShare);
    }

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
        for (EvalItem item : items.stream().filter(i -> i.kind() == EvalItem.Kind.TOOL_CALL).toList()) {
            assertTrue(item.tools().size() >= 5 && item.tools().size() <= 8, item.id() + " offers " + item.tools().size() + " tools");
            assertEquals(ToolChoice.REQUIRED, item.toolChoice(), item.id());
            ToolSpec tool = item.tools().stream().filter(t -> t.name().equals(item.expected().tool())).findFirst().orElse(null);
            assertNotNull(tool, item.id() + " expects a tool it does not offer: " + item.expected().tool());
            assertValid(tool.parameters(), item.expected().arguments(), item.id());
            checked++;
        }
        assertTrue(checked >= 60, "tool-call items: " + checked);
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
