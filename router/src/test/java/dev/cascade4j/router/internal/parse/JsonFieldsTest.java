package dev.cascade4j.router.internal.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class JsonFieldsTest {
    static final class Problem extends RuntimeException {
        Problem(String path, String problem) {
            super(path + " " + problem);
        }
    }

    private static JsonFields fields(String json) throws Exception {
        JsonNode node = new ObjectMapper().readTree(json);
        return JsonFields.of(node, "messages[2]", "an object", Problem::new);
    }

    private static String problem(Runnable read) {
        return assertThrows(Problem.class, read::run).getMessage();
    }

    @Test
    void readsTypedFieldsAndNamesTheFieldOnEveryFailure() throws Exception {
        JsonFields f = fields("{\"role\":\"user\",\"n\":3,\"t\":0.5,\"b\":true,\"nil\":null,\"o\":{\"x\":1},\"a\":[1,2]}");
        assertEquals("user", f.requiredString("role"));
        assertEquals(3, f.integer("n"));
        assertEquals(0.5, f.number("t"));
        assertEquals(true, f.optionalBoolean("b", false));
        assertNull(f.optionalString("nil"), "JSON null is absent");
        assertFalse(f.present("missing"));
        assertEquals("messages[2].o.x", f.optionalObject("o", "an object").path("x"));

        assertEquals("messages[2].content is required", problem(() -> f.requiredString("content")));
        assertEquals("messages[2].n must be a string, got number", problem(() -> f.optionalString("n")));
        assertEquals("messages[2].role must be a boolean, got string", problem(() -> f.optionalBoolean("role", false)));
        assertEquals("messages[2].role must be a number, got string", problem(() -> f.number("role")));
        assertEquals("messages[2].t must be an integer, got number 0.5", problem(() -> f.integer("t")));
        assertEquals("messages[2].a must be an object", problem(() -> f.optionalObject("a", "an object")));
        assertEquals("messages[2] must be an object", assertThrows(Problem.class,
                () -> JsonFields.of(new ObjectMapper().readTree("[]"), "messages[2]", "an object", Problem::new)).getMessage());
    }
}
