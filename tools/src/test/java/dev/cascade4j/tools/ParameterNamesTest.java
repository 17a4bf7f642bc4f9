package dev.cascade4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.P;
import java.io.ByteArrayOutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tools from classes compiled the way a user's build may compile them: without {@code -parameters}. */
class ParameterNamesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** Compiles {@code source} (class {@code Shop} in the default package) without -parameters and returns an instance. */
    private Object compileWithoutParameterNames(String source) throws Exception {
        Files.writeString(dir.resolve("Shop.java"), source);
        String langchain4j = Path.of(P.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int status = ToolProvider.getSystemJavaCompiler().run(null, errors, errors,
                "-cp", langchain4j, "-d", dir.toString(), dir.resolve("Shop.java").toString());
        assertEquals(0, status, errors.toString());
        URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, P.class.getClassLoader());
        Class<?> shop = loader.loadClass("Shop");
        assertFalse(shop.getMethod("priceOf", String.class).getParameters()[0].isNamePresent(), "compiled with parameter names");
        return shop.getConstructor().newInstance();
    }

    @Test
    void aToolWhoseParameterNamesWereNotCompiledInIsRefusedWithTheFix() throws Exception {
        Object shop = compileWithoutParameterNames("""
                import dev.langchain4j.agent.tool.P;
                import dev.langchain4j.agent.tool.Tool;
                public class Shop {
                    @Tool("Looks up the price in euros of a product")
                    public String priceOf(@P("the product's name") String product) { return "1200"; }
                }
                """);

        var e = assertThrows(IllegalArgumentException.class, () -> ToolRegistry.builder().annotated(shop));

        assertTrue(e.getMessage().contains("Shop.priceOf"), e.getMessage());
        assertTrue(e.getMessage().contains("arg0"), e.getMessage());
        assertTrue(e.getMessage().contains("-parameters"), e.getMessage());
        assertTrue(e.getMessage().contains("@P(name = "), e.getMessage());
    }

    @Test
    void aNameGivenWithPIsUsedWithoutParameterNames() throws Exception {
        Object shop = compileWithoutParameterNames("""
                import dev.langchain4j.agent.tool.P;
                import dev.langchain4j.agent.tool.Tool;
                public class Shop {
                    @Tool("Looks up the price in euros of a product")
                    public String priceOf(@P(name = "product", value = "the product's name") String product) { return "price of " + product; }
                }
                """);

        ToolRegistry registry = ToolRegistry.builder().annotated(shop).build();

        var spec = registry.find("priceOf").orElseThrow().spec();
        assertEquals(List.of("product"), List.copyOf(iterable(spec.parameters().path("properties").fieldNames())));
        try (ToolExecutor executor = new ToolExecutor(registry, 1)) {
            ToolResult r = executor.execute("priceOf", "{\"product\":\"laptop\"}").join();
            assertEquals("price of laptop", r.content(), r.toString());
        }
    }

    private static <T> List<T> iterable(java.util.Iterator<T> it) {
        List<T> list = new java.util.ArrayList<>();
        it.forEachRemaining(list::add);
        return list;
    }
}
