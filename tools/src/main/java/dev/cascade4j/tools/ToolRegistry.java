package dev.cascade4j.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cascade4j.inference.ToolSpec;
import dev.cascade4j.inference.internal.langchain4j.JsonSchemaElementConverter;
import dev.cascade4j.router.internal.schema.SchemaValidator;
import dev.cascade4j.tools.internal.OpenAiToolFormat;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolMemoryId;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.agent.tool.ToolSpecifications;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.invocation.InvocationParameters;
import dev.langchain4j.invocation.LangChain4jManaged;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tools a service holds, by name, in registration order. Specifications come from langchain4j
 * {@code @Tool} methods (langchain4j describes them; its schema is converted to plain JSON schema) or
 * from OpenAI-format JSON definitions paired with a {@link ToolFunction}. Every argument schema is
 * compiled when the tool is registered, so a bad schema fails at startup, not at the first call.
 * Immutable once built.
 */
public final class ToolRegistry {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final Map<String, RegisteredTool> tools;
    private final List<RegisteredTool> ordered;

    private ToolRegistry(Map<String, RegisteredTool> tools) {
        this.tools = Map.copyOf(tools);
        this.ordered = List.copyOf(tools.values());
    }

    public static Builder builder() {
        return new Builder();
    }

    public static ToolRegistry empty() {
        return builder().build();
    }

    Optional<RegisteredTool> find(String name) {
        return Optional.ofNullable(tools.get(name));
    }

    public List<ToolSpec> specs() {
        return ordered.stream().map(RegisteredTool::spec).toList();
    }

    public Collection<String> names() {
        return ordered.stream().map(RegisteredTool::name).toList();
    }

    /** Every tool in the OpenAI format, as an array. */
    public ArrayNode toOpenAiFormat() {
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        ordered.forEach(t -> array.add(OpenAiToolFormat.write(t.spec())));
        return array;
    }

    public static final class Builder {
        private final Map<String, RegisteredTool> tools = new LinkedHashMap<>();
        private final ObjectMapper json = new ObjectMapper();
        private Duration defaultTimeout = DEFAULT_TIMEOUT;

        private Builder() {
        }

        /** Time limit for tools registered after this call without their own. */
        public Builder defaultTimeout(Duration timeout) {
            this.defaultTimeout = timeout;
            return this;
        }

        /** Every {@code @Tool} method of {@code object} (including inherited public ones), with the default time limit. */
        public Builder annotated(Object object) {
            return annotated(object, defaultTimeout);
        }

        public Builder annotated(Object object, Duration timeout) {
            int found = 0;
            // Sorted by name: reflection's order varies between builds, and small models favour the first tool listed.
            Method[] methods = object.getClass().getDeclaredMethods();
            java.util.Arrays.sort(methods, java.util.Comparator.comparing(Method::getName));
            for (Method method : methods) {
                if (method.isAnnotationPresent(Tool.class)) {
                    add(method, object, timeout);
                    found++;
                }
            }
            if (found == 0) {
                throw new IllegalArgumentException(object.getClass().getName()
                        + " has no methods annotated with @dev.langchain4j.agent.tool.Tool");
            }
            return this;
        }

        private void add(Method method, Object target, Duration timeout) {
            requireParameterNames(method);
            ToolSpecification lc4j = ToolSpecifications.toolSpecificationFrom(method);
            JsonNode schema = lc4j.parameters() == null ? null : JsonSchemaElementConverter.toJsonSchema(lc4j.parameters());
            ToolSpec spec = new ToolSpec(lc4j.name(), lc4j.description(), schema);
            register(spec, timeout, new MethodToolFunction(target, method, json));
        }

        /**
         * Without {@code -parameters} a class file keeps no parameter names, and langchain4j would offer
         * the model an argument called {@code arg0}: refused here, with the two ways to fix it.
         */
        private static void requireParameterNames(Method method) {
            Parameter[] parameters = method.getParameters();
            for (int i = 0; i < parameters.length; i++) {
                Parameter parameter = parameters[i];
                P p = parameter.getAnnotation(P.class);
                if (parameter.isNamePresent() || (p != null && !p.name().isBlank()) || !isModelArgument(parameter)) {
                    continue;
                }
                throw new IllegalArgumentException("tool " + method.getDeclaringClass().getSimpleName() + "." + method.getName()
                        + ": parameter " + (i + 1) + " (" + parameter.getType().getSimpleName() + ") has no name in the class file"
                        + ", so the model would see it as '" + parameter.getName() + "'. Compile with -parameters"
                        + " (Maven: <parameters>true</parameters> in maven-compiler-plugin's configuration;"
                        + " Gradle: options.compilerArgs << '-parameters'), or name it: @P(name = \"...\", value = \"what it is\")");
            }
        }

        /** Whether langchain4j puts the parameter in the tool's schema (it leaves out the memory id and invocation context). */
        private static boolean isModelArgument(Parameter parameter) {
            Class<?> type = parameter.getType();
            return !parameter.isAnnotationPresent(ToolMemoryId.class)
                    && !InvocationParameters.class.isAssignableFrom(type)
                    && !LangChain4jManaged.class.isAssignableFrom(type)
                    && type != InvocationContext.class;
        }

        /** A tool from its OpenAI-format JSON definition (or a bare function object) and its body. */
        public Builder json(JsonNode definition, ToolFunction function) {
            return json(definition, defaultTimeout, function);
        }

        public Builder json(JsonNode definition, Duration timeout, ToolFunction function) {
            return register(OpenAiToolFormat.read(definition, "tool"), timeout, function);
        }

        /** A tool from its specification and its body. */
        public Builder tool(ToolSpec spec, ToolFunction function) {
            return register(spec, defaultTimeout, function);
        }

        public Builder register(ToolSpec spec, Duration timeout, ToolFunction function) {
            if (tools.containsKey(spec.name())) {
                throw new IllegalArgumentException("a tool named '" + spec.name() + "' is already registered");
            }
            SchemaValidator arguments;
            try {
                arguments = SchemaValidator.compile(spec.parameters());
            } catch (SchemaValidator.InvalidSchemaException e) {
                throw new IllegalArgumentException("tool " + spec.name() + ": " + e.getMessage(), e);
            }
            tools.put(spec.name(), new RegisteredTool(spec, arguments, function, timeout));
            return this;
        }

        public ToolRegistry build() {
            return new ToolRegistry(tools);
        }
    }
}
