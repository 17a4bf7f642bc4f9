package dev.cascade4j.agent.log.export;

import java.nio.file.Path;
import java.util.Map;

/**
 * What an export kept and dropped.
 *
 * @param read           records considered
 * @param train          examples written to {@code trainFile}
 * @param validation     examples written to {@code validationFile} (0 and {@code null} file without a split)
 * @param byTarget       kept examples by where their answer came from
 * @param dropped        dropped records by reason, in the order reasons were first met
 */
public record ExportReport(int read, int train, int validation, Map<TrainingTarget, Integer> byTarget,
                           Map<String, Integer> dropped, Path trainFile, Path validationFile) {

    public int kept() {
        return train + validation;
    }

    public int droppedTotal() {
        return dropped.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** A few lines for a person. */
    public String describe() {
        StringBuilder s = new StringBuilder();
        s.append("read ").append(read).append(" records\n");
        s.append("kept ").append(kept()).append(": ").append(train).append(" training examples -> ").append(trainFile);
        if (validationFile != null) {
            s.append(", ").append(validation).append(" validation -> ").append(validationFile);
        }
        s.append('\n');
        byTarget.forEach((t, n) -> s.append("  ").append(n).append(" with the answer from ")
                .append(switch (t) {
                    case CORRECTION -> "a person's correction";
                    case TEACHER -> "the large model (teacher)";
                    case ACCEPTED -> "the SLM (accepted)";
                }).append('\n'));
        s.append("dropped ").append(droppedTotal()).append('\n');
        dropped.forEach((why, n) -> s.append("  ").append(n).append(' ').append(why).append('\n'));
        return s.toString();
    }
}
