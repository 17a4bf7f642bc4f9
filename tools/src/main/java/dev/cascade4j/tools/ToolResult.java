package dev.cascade4j.tools;

import java.time.Duration;
import java.util.List;

/**
 * What running a tool gave: its output, or what went wrong, said plainly so it can go back to a model
 * or a client as the tool's result.
 *
 * @param tool    the tool's name as asked
 * @param status  how it ended
 * @param content the tool's output when {@link Status#OK}, otherwise a sentence saying what failed
 * @param errors  argument validation messages (each with its JSON path) when {@link Status#INVALID_ARGUMENTS}
 * @param elapsed time from the call to the result
 */
public record ToolResult(String tool, Status status, String content, List<String> errors, Duration elapsed) {

    public enum Status {
        OK,
        /** No tool has that name. */
        UNKNOWN_TOOL,
        /** The arguments were not JSON or did not validate against the tool's schema; the tool did not run. */
        INVALID_ARGUMENTS,
        /** The tool threw. */
        FAILED,
        /** The tool ran past its time limit and was interrupted. */
        TIMEOUT,
        /** Every execution slot was busy; the tool did not run. */
        REJECTED,
        /** The caller chose not to run it (an agent does not re-run a tool on its own result in a loop). */
        NOT_RUN
    }

    public ToolResult {
        errors = errors == null ? List.of() : List.copyOf(errors);
    }

    public boolean ok() {
        return status == Status.OK;
    }
}
