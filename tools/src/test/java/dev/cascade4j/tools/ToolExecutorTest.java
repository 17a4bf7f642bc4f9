package dev.cascade4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade4j.inference.ToolSpec;
import dev.cascade4j.tools.ToolResult.Status;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ToolExecutorTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    enum Unit { CELSIUS, FAHRENHEIT }

    record Point(double lat, double lon) {
    }

    static final class WeatherTools {
        volatile Thread lastThread;

        @Tool("Current temperature in a city")
        String temperature(@P("city name") String city, @P("unit") Unit unit) {
            lastThread = Thread.currentThread();
            return city + ":" + (unit == Unit.CELSIUS ? "21C" : "70F");
        }

        @Tool(name = "distance_km", value = "Distance between two points")
        double distance(Point from, Point to, @P(value = "round the result", required = false) boolean round) {
            double d = Math.hypot(from.lat() - to.lat(), from.lon() - to.lon()) * 111;
            return round ? Math.round(d) : d;
        }

        @Tool("Tags of a city")
        List<String> tags(List<String> prefixes, int limit) {
            return prefixes.stream().limit(limit).map(p -> p + "-tag").toList();
        }

        @Tool("Always fails")
        String broken(String input) {
            throw new IllegalStateException("the backend for " + input + " is down");
        }

        @Tool("Records that it ran")
        void ping() {
        }

        String notATool() {
            return "";
        }
    }

    @Test
    void discoversAnnotatedMethodsWithLangchain4jSchemas() {
        ToolRegistry registry = ToolRegistry.builder().annotated(new WeatherTools()).build();
        assertEquals(List.of("broken", "distance_km", "ping", "tags", "temperature"), registry.names().stream().sorted().toList());
        JsonNode schema = registry.find("temperature").orElseThrow().spec().parameters();
        assertEquals("object", schema.get("type").asText());
        assertEquals("string", schema.at("/properties/city/type").asText());
        assertEquals("city name", schema.at("/properties/city/description").asText());
        assertEquals(List.of("CELSIUS", "FAHRENHEIT"), JSON.convertValue(schema.at("/properties/unit/enum"), List.class));
        assertEquals(List.of("city", "unit"), JSON.convertValue(schema.get("required"), List.class));
        JsonNode distance = registry.find("distance_km").orElseThrow().spec().parameters();
        assertEquals("number", distance.at("/properties/from/properties/lat/type").asText());
        assertFalse(JSON.convertValue(distance.get("required"), List.class).contains("round"));

        JsonNode listed = registry.toOpenAiFormat();
        assertEquals(5, listed.size());
        assertEquals("function", listed.get(0).get("type").asText());
        assertTrue(listed.get(0).at("/function/parameters").isObject());
    }

    @Test
    void mapsJsonArgumentsOntoParametersAndRunsOnVirtualThreads() throws Exception {
        WeatherTools tools = new WeatherTools();
        try (ToolExecutor executor = new ToolExecutor(ToolRegistry.builder().annotated(tools).build(), 4)) {
            ToolResult t = executor.execute("temperature", "{\"city\":\"Paris\",\"unit\":\"CELSIUS\"}").get(10, TimeUnit.SECONDS);
            assertEquals(Status.OK, t.status(), t.content());
            assertEquals("Paris:21C", t.content());
            assertTrue(tools.lastThread.isVirtual());

            ToolResult d = executor.execute("distance_km", "{\"from\":{\"lat\":1,\"lon\":0},\"to\":{\"lat\":0,\"lon\":0},\"round\":true}")
                    .get(10, TimeUnit.SECONDS);
            assertEquals("111.0", d.content());
            ToolResult unrounded = executor.execute("distance_km", "{\"from\":{\"lat\":0.5,\"lon\":0},\"to\":{\"lat\":0,\"lon\":0}}")
                    .get(10, TimeUnit.SECONDS);
            assertEquals(Status.OK, unrounded.status(), unrounded.content());
            assertEquals("55.5", unrounded.content());

            ToolResult tags = executor.execute("tags", "{\"prefixes\":[\"a\",\"b\",\"c\"],\"limit\":2}").get(10, TimeUnit.SECONDS);
            assertEquals("[\"a-tag\",\"b-tag\"]", tags.content());
            assertEquals("Success", executor.execute("ping", "{}").get(10, TimeUnit.SECONDS).content());
        }
    }

    @Test
    void argumentsThatDoNotValidateAreRejectedBeforeTheToolRuns() throws Exception {
        WeatherTools tools = new WeatherTools();
        try (ToolExecutor executor = new ToolExecutor(ToolRegistry.builder().annotated(tools).build(), 4)) {
            ToolResult r = executor.execute("temperature", "{\"city\":\"Paris\",\"unit\":\"KELVIN\"}").get(10, TimeUnit.SECONDS);
            assertEquals(Status.INVALID_ARGUMENTS, r.status());
            assertTrue(r.errors().stream().anyMatch(e -> e.contains("unit")), r.errors().toString());
            ToolResult missing = executor.execute("temperature", "{\"unit\":\"CELSIUS\"}").get(10, TimeUnit.SECONDS);
            assertEquals(Status.INVALID_ARGUMENTS, missing.status());
            assertTrue(missing.content().contains("city"), missing.content());
            ToolResult notJson = executor.execute("temperature", "{city: Paris").get(10, TimeUnit.SECONDS);
            assertEquals(Status.INVALID_ARGUMENTS, notJson.status());
            assertTrue(tools.lastThread == null, "the tool must not have run");
            assertEquals(Status.UNKNOWN_TOOL, executor.execute("nope", "{}").get(10, TimeUnit.SECONDS).status());
        }
    }

    @Test
    void anExceptionBecomesAResultThatSaysWhatFailed() throws Exception {
        try (ToolExecutor executor = new ToolExecutor(ToolRegistry.builder().annotated(new WeatherTools()).build(), 4)) {
            ToolResult r = executor.execute("broken", "{\"input\":\"orders\"}").get(10, TimeUnit.SECONDS);
            assertEquals(Status.FAILED, r.status());
            assertEquals("tool broken failed: the backend for orders is down", r.content());
            assertEquals(0, executor.running());
        }
    }

    @Test
    void aToolPastItsTimeLimitIsInterruptedAndReported() throws Exception {
        CountDownLatch interrupted = new CountDownLatch(1);
        ToolRegistry registry = ToolRegistry.builder()
                .register(new ToolSpec("slow", "never ends on its own", null), Duration.ofMillis(200), args -> {
                    try {
                        new CountDownLatch(1).await();
                    } catch (InterruptedException e) {
                        interrupted.countDown();
                        throw e;
                    }
                    return "unreachable";
                }).build();
        try (ToolExecutor executor = new ToolExecutor(registry, 2)) {
            long start = System.nanoTime();
            ToolResult r = executor.execute("slow", "{}").get(10, TimeUnit.SECONDS);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(Status.TIMEOUT, r.status());
            assertTrue(r.content().contains("200 ms"), r.content());
            assertTrue(millis >= 190 && millis < 5000, "took " + millis + " ms");
            assertTrue(interrupted.await(10, TimeUnit.SECONDS), "the tool's thread was interrupted");
        }
    }

    @Test
    void aFullExecutorRejectsInsteadOfQueueing() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(2);
        ToolRegistry registry = ToolRegistry.builder()
                .json(JSON.readTree("""
                        {"type":"function","function":{"name":"hold","description":"waits",
                         "parameters":{"type":"object","properties":{"n":{"type":"integer"}},"required":["n"]}}}"""),
                        args -> {
                            running.countDown();
                            release.await();
                            return "held " + args.get("n").asInt();
                        }).build();
        try (ToolExecutor executor = new ToolExecutor(registry, 2)) {
            var a = executor.execute("hold", "{\"n\":1}");
            var b = executor.execute("hold", "{\"n\":2}");
            assertTrue(running.await(10, TimeUnit.SECONDS));
            ToolResult c = executor.execute("hold", "{\"n\":3}").get(1, TimeUnit.SECONDS);
            assertEquals(Status.REJECTED, c.status());
            assertTrue(c.content().contains("2 tool execution slots are busy"), c.content());
            release.countDown();
            assertEquals("held 1", a.get(10, TimeUnit.SECONDS).content());
            assertEquals("held 2", b.get(10, TimeUnit.SECONDS).content());
        }
    }

    @Test
    void badDefinitionsFailAtRegistration() throws Exception {
        var invalidSchema = assertThrows(IllegalArgumentException.class, () -> ToolRegistry.builder()
                .tool(new ToolSpec("bad", "", JSON.readTree("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":12}}}")), a -> "").build());
        assertTrue(invalidSchema.getMessage().contains("tool bad"), invalidSchema.getMessage());
        var noName = assertThrows(IllegalArgumentException.class, () -> ToolRegistry.builder()
                .json(JSON.readTree("{\"type\":\"function\",\"function\":{\"description\":\"x\"}}"), a -> "").build());
        assertTrue(noName.getMessage().contains("tool.function.name"), noName.getMessage());
        var duplicate = assertThrows(IllegalArgumentException.class, () -> ToolRegistry.builder()
                .tool(new ToolSpec("twice", "", null), a -> "").tool(new ToolSpec("twice", "", null), a -> "").build());
        assertTrue(duplicate.getMessage().contains("already registered"));
        assertThrows(IllegalArgumentException.class, () -> ToolRegistry.builder().annotated(Map.of()));
    }
}
