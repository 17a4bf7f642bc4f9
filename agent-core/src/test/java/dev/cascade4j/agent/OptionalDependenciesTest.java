package dev.cascade4j.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade4j.inference.internal.OptionalDependency;
import dev.cascade4j.router.config.LargeModelConfig;
import dev.cascade4j.router.internal.escalate.LargeModels;
import java.io.File;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The server, the PostgreSQL log and the OpenAI/Ollama clients are optional dependencies, so an agent's
 * classpath does not carry them. Configuring one of them without its jar must fail with a message that
 * names the dependency, not with a NoClassDefFoundError: checked here on a classpath without the jar.
 */
class OptionalDependenciesTest {
    @Test
    void anOpenAiLargeModelWithoutItsClientNamesTheDependency() {
        // Optional in the router, so absent here exactly as on an agent user's classpath.
        assertFalse(OptionalDependency.present("dev.langchain4j.model.openai.OpenAiChatModel"));
        var config = new LargeModelConfig.OpenAi("gpt", null, "key", null, "gpt-4o-mini", null, 0);
        var e = assertThrows(OptionalDependency.Missing.class, () -> LargeModels.create(List.of(config), Map.of(), null));
        assertEquals("dev.langchain4j:langchain4j-open-ai", e.coordinates());
        assertTrue(e.getMessage().startsWith("the large model 'gpt' (provider openai) needs dev.langchain4j:langchain4j-open-ai"), e.getMessage());
        assertTrue(e.getMessage().contains("<artifactId>langchain4j-open-ai</artifactId>"), e.getMessage());
    }

    @Test
    void anOllamaLargeModelWithoutItsClientNamesTheDependency() {
        var config = new LargeModelConfig.Ollama("local-llama", null, "llama3.1", null);
        var e = assertThrows(OptionalDependency.Missing.class, () -> LargeModels.create(List.of(config), Map.of(), null));
        assertEquals("dev.langchain4j:langchain4j-ollama", e.coordinates());
    }

    @Test
    void theHttpServerWithoutVertxWebNamesIt() throws Exception {
        Throwable e = invokeWithout("vertx-web-5", "dev.cascade4j.tools.http.OpenAiServer", "builder", false);
        assertMissing(e, "io.vertx:vertx-web");
    }

    @Test
    void theHttpServerWithoutThePrometheusRegistryNamesIt() throws Exception {
        Throwable e = invokeWithout("micrometer-registry-prometheus-", "dev.cascade4j.tools.http.OpenAiServer", "builder", false);
        assertMissing(e, "io.micrometer:micrometer-registry-prometheus");
    }

    @Test
    void thePostgresLogWithoutTheDriverNamesIt() throws Exception {
        Throwable e = invokeWithout("vertx-pg-client-", "dev.cascade4j.agent.log.PostgresQueryLog", "builder", true,
                "postgresql://localhost:5432/cascade4j", "user", "secret");
        assertMissing(e, "io.vertx:vertx-pg-client");
    }

    private static void assertMissing(Throwable e, String coordinates) {
        // Loaded by another class loader, so compared by name.
        assertEquals(OptionalDependency.Missing.class.getName(), e.getClass().getName(), () -> "got " + e);
        assertTrue(e.getMessage().contains("needs " + coordinates + ", an optional dependency"), e.getMessage());
    }

    /**
     * Calls a static method of {@code className} in a class loader over this test's classpath less the
     * jar whose file name starts with {@code hiddenJar}, and returns what it threw. The method is found
     * by its exact type, as a caller's bytecode links it (reflection over all methods would load every
     * signature's types): a Vert.x instance (passed null) if {@code withVertx}, then {@code args}.
     */
    private static Throwable invokeWithout(String hiddenJar, String className, String method, boolean withVertx, String... args) throws Exception {
        List<URL> urls = new ArrayList<>();
        boolean hidden = false;
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        for (String entry : classpath.split(File.pathSeparator)) {
            if (new File(entry).getName().startsWith(hiddenJar)) {
                hidden = true;
            } else if (!entry.isBlank()) {
                urls.add(toUrl(entry));
            }
        }
        assertTrue(hidden, hiddenJar + " is not on the test classpath, so the test would prove nothing: " + classpath);
        try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            Class<?> type = loader.loadClass(className);
            List<Class<?>> params = new ArrayList<>();
            List<Object> values = new ArrayList<>();
            if (withVertx) {
                params.add(loader.loadClass("io.vertx.core.Vertx"));
                values.add(null);
            }
            for (String a : args) {
                params.add(String.class);
                values.add(a);
            }
            Class<?> builder = loader.loadClass(className + "$Builder");
            MethodHandle m = MethodHandles.publicLookup().findStatic(type, method, MethodType.methodType(builder, params));
            try {
                m.invokeWithArguments(values);
            } catch (NoClassDefFoundError e) {
                throw new AssertionError("calling " + className + "." + method + " without " + hiddenJar + " failed before the check could run", e);
            } catch (Throwable e) {
                return e;
            }
            throw new AssertionError(className + "." + method + " did not fail without " + hiddenJar);
        } catch (NoClassDefFoundError e) {
            throw new AssertionError("loading " + className + " without " + hiddenJar + " failed before the check could run", e);
        }
    }

    private static URL toUrl(String entry) {
        try {
            return new File(entry).toURI().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(entry, e);
        }
    }

    @Test
    void missingIsAnIllegalStateWithTheCoordinates() {
        var e = assertThrows(OptionalDependency.Missing.class,
                () -> OptionalDependency.require("a feature", "no.such.Type", "org.example", "example-lib"));
        assertInstanceOf(IllegalStateException.class, e);
        assertEquals("org.example:example-lib", e.coordinates());
        assertTrue(e.getMessage().contains("implementation(\"org.example:example-lib\")"), e.getMessage());
    }
}
