package dev.cascade4j.tools;

import dev.cascade4j.inference.ToolSpec;
import dev.cascade4j.router.internal.schema.SchemaValidator;
import java.time.Duration;
import java.util.Objects;

/**
 * A tool the registry holds: what the model sees, the compiled argument schema, the code that runs,
 * and how long it may take.
 */
record RegisteredTool(ToolSpec spec, SchemaValidator arguments, ToolFunction function, Duration timeout) {
    RegisteredTool {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(arguments, "arguments");
        Objects.requireNonNull(function, "function");
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("tool " + spec.name() + " needs a positive time limit, got " + timeout);
        }
    }

    public String name() {
        return spec.name();
    }
}
