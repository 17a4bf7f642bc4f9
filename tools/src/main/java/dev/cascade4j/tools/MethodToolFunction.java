package dev.cascade4j.tools;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.ToolMemoryId;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;

/**
 * Calls a langchain4j {@code @Tool} method: each JSON argument is converted by Jackson to its
 * parameter's declared (generic) type, by the same name langchain4j put in the schema ({@code @P(name)},
 * else the compiled parameter name). Absent optional arguments become {@code null}, or zero for primitives.
 * The return value is the result: strings as they are, {@code void} as "Success", anything else as JSON.
 */
final class MethodToolFunction implements ToolFunction {
    private final Object target;
    private final Method method;
    private final String[] names;
    private final JavaType[] types;
    private final ObjectMapper json;

    MethodToolFunction(Object target, Method method, ObjectMapper json) {
        this.target = target;
        this.method = method;
        this.json = json;
        method.setAccessible(true);
        Parameter[] parameters = method.getParameters();
        this.names = new String[parameters.length];
        this.types = new JavaType[parameters.length];
        for (int i = 0; i < parameters.length; i++) {
            P p = parameters[i].getAnnotation(P.class);
            names[i] = parameters[i].isAnnotationPresent(ToolMemoryId.class) ? null
                    : p != null && !p.name().isEmpty() ? p.name() : parameters[i].getName();
            types[i] = json.getTypeFactory().constructType(parameters[i].getParameterizedType());
        }
    }

    @Override
    public String call(JsonNode arguments) throws Exception {
        Object[] values = new Object[names.length];
        for (int i = 0; i < names.length; i++) {
            JsonNode value = names[i] == null ? null : arguments.get(names[i]);
            if (value == null || value.isNull()) {
                values[i] = types[i].isPrimitive() ? Array.get(Array.newInstance(types[i].getRawClass(), 1), 0) : null;
            } else {
                try {
                    values[i] = json.treeToValue(value, types[i]);
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalArgumentException("argument '" + names[i] + "' does not convert to "
                            + types[i].toCanonical() + ": " + e.getOriginalMessage(), e);
                }
            }
        }
        Object result;
        try {
            result = method.invoke(target, values);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
        if (method.getReturnType() == void.class) {
            return "Success";
        }
        return result instanceof String s ? s : json.writeValueAsString(result);
    }
}
