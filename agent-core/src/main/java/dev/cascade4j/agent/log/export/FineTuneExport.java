package dev.cascade4j.agent.log.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cascade4j.agent.internal.log.QueryLogJson;
import dev.cascade4j.agent.log.QueryRecord;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Turns logged records into a fine-tuning file: each kept record becomes one example, the request's
 * messages followed by the target assistant answer (a person's correction, else the large model's
 * answer, else the SLM's answer when it was accepted), with the offered tools. Requests that are the
 * same after canonicalisation (keys sorted) are kept once, with the best target. A validation split
 * takes a deterministic share of examples by request hash.
 */
public final class FineTuneExport {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ExportFormat format;
    private final String route;
    private final Instant since;
    private final TrainingTarget only;
    private final double validationSplit;

    private FineTuneExport(Builder b) {
        this.format = b.format;
        this.route = b.route;
        this.since = b.since;
        this.only = b.only;
        this.validationSplit = b.validationSplit;
    }

    public static Builder builder(ExportFormat format) {
        return new Builder(format);
    }

    private record Candidate(QueryRecord record, TrainingTarget target, ObjectNode example, String hash) {
    }

    /** Writes the examples from {@code records} (in log order) to {@code out}, and the validation share beside it. */
    public ExportReport write(List<QueryRecord> records, Path out) {
        Map<String, Integer> dropped = new LinkedHashMap<>();
        Map<String, Candidate> byHash = new LinkedHashMap<>();
        for (QueryRecord r : records) {
            String why = filter(r);
            if (why != null) {
                dropped.merge(why, 1, Integer::sum);
                continue;
            }
            TrainingTarget target = target(r);
            if (target == null) {
                dropped.merge(noTargetReason(r), 1, Integer::sum);
                continue;
            }
            ObjectNode example;
            try {
                example = example(r, target, format);
            } catch (IllegalArgumentException e) {
                dropped.merge(e.getMessage(), 1, Integer::sum);
                continue;
            }
            String hash = requestHash(r);
            Candidate c = new Candidate(r, target, example, hash);
            Candidate old = byHash.get(hash);
            if (old == null) {
                byHash.put(hash, c);
            } else {
                dropped.merge("duplicate request (same messages, tools and schema)", 1, Integer::sum);
                if (target.ordinal() < old.target().ordinal()) {
                    byHash.put(hash, c); // a better label for the same request
                }
            }
        }
        List<Candidate> kept = new ArrayList<>(byHash.values());
        int nVal = validationSplit <= 0 || kept.size() < 2 ? 0 : Math.max(1, (int) Math.round(kept.size() * validationSplit));
        List<Candidate> byHashOrder = kept.stream().sorted(Comparator.comparing(Candidate::hash)).toList();
        var validationSet = new java.util.HashSet<>(byHashOrder.subList(0, nVal));
        Path valFile = nVal == 0 && validationSplit <= 0 ? null : validationPath(out);
        Map<TrainingTarget, Integer> byTarget = new EnumMap<>(TrainingTarget.class);
        int train = 0;
        try {
            if (out.toAbsolutePath().getParent() != null) {
                Files.createDirectories(out.toAbsolutePath().getParent());
            }
            try (BufferedWriter t = Files.newBufferedWriter(out, StandardCharsets.UTF_8);
                 BufferedWriter v = valFile == null ? null : Files.newBufferedWriter(valFile, StandardCharsets.UTF_8)) {
                for (Candidate c : kept) {
                    byTarget.merge(c.target(), 1, Integer::sum);
                    BufferedWriter w = validationSet.contains(c) ? v : t;
                    if (w == t) {
                        train++;
                    }
                    w.write(QueryLogJson.write(c.example()));
                    w.write('\n');
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the training file " + out + ": " + e.getMessage(), e);
        }
        return new ExportReport(records.size(), train, nVal, byTarget, dropped, out, valFile);
    }

    /** {@code train.jsonl} gives {@code train.val.jsonl}. */
    static Path validationPath(Path out) {
        String name = out.getFileName().toString();
        String base = name.endsWith(".jsonl") ? name.substring(0, name.length() - 6) : name;
        return out.resolveSibling(base + ".val.jsonl");
    }

    private String filter(QueryRecord r) {
        if (route != null && !route.equals(r.route())) {
            return "not route '" + route + "' (--route)";
        }
        if (since != null && r.time().isBefore(since)) {
            return "before " + since + " (--since)";
        }
        return null;
    }

    /** The best answer to train on, within the {@code only} restriction; {@code null} when none. */
    TrainingTarget target(QueryRecord r) {
        boolean corrected = r.feedback() != null && r.feedback().correction() != null && !r.feedback().correction().isBlank();
        boolean teacher = r.teacherAnswer() != null && hasContent(r.teacherAnswer());
        boolean accepted = r.accepted() && hasContent(r.slmAnswer());
        if (only == null) {
            return corrected ? TrainingTarget.CORRECTION : teacher ? TrainingTarget.TEACHER : accepted ? TrainingTarget.ACCEPTED : null;
        }
        return switch (only) {
            case TEACHER -> teacher ? TrainingTarget.TEACHER : null;
            case ACCEPTED -> accepted ? TrainingTarget.ACCEPTED : null;
            case CORRECTION -> corrected ? TrainingTarget.CORRECTION : null;
        };
    }

    private String noTargetReason(QueryRecord r) {
        if (only == TrainingTarget.TEACHER) {
            return "no large-model answer (--only teacher)";
        }
        if (only == TrainingTarget.ACCEPTED) {
            return "not an accepted SLM answer (--only accepted)";
        }
        if (r.feedback() != null && r.feedback().rating() == QueryRecord.Rating.BAD) {
            return "rated bad, with no correction or large-model answer";
        }
        if (r.fallback()) {
            return "low-confidence SLM answer returned because the large model was unavailable (fallback)";
        }
        if (r.escalated()) {
            return "escalated, but the large model gave no answer";
        }
        return "empty answer";
    }

    private static boolean hasContent(QueryRecord.Answer a) {
        return a != null && (a.hasToolCalls() || !a.text().isBlank());
    }

    /** One training example in {@code format}. */
    static ObjectNode example(QueryRecord r, TrainingTarget target, ExportFormat format) {
        ObjectNode ex = NODES.objectNode();
        ArrayNode messages = ex.putArray("messages");
        for (QueryRecord.Message m : r.request().messages()) {
            messages.add(message(m.role(), m.content(), m.toolCalls(), m.toolCallId(), m.name(), format));
        }
        switch (target) {
            case CORRECTION -> messages.add(message("assistant", r.feedback().correction(), List.of(), null, null, format));
            case TEACHER -> messages.add(answer(r.teacherAnswer(), format));
            case ACCEPTED -> messages.add(answer(r.slmAnswer(), format));
        }
        if (!r.request().tools().isEmpty()) {
            ex.set("tools", r.request().tools().deepCopy());
        }
        return ex;
    }

    private static ObjectNode answer(QueryRecord.Answer a, ExportFormat format) {
        return message("assistant", a.text(), a.toolCalls(), null, null, format);
    }

    private static ObjectNode message(String role, String content, List<QueryRecord.Call> calls, String toolCallId, String name,
                                      ExportFormat format) {
        ObjectNode m = NODES.objectNode().put("role", role);
        boolean toolCalls = role.equals("assistant") && !calls.isEmpty();
        if (!toolCalls || !content.isEmpty()) {
            m.put("content", content);
        } else if (format == ExportFormat.HF_MESSAGES) {
            m.put("content", ""); // chat templates index content on every message
        }
        if (toolCalls) {
            ArrayNode arr = m.putArray("tool_calls");
            int i = 0;
            for (QueryRecord.Call c : calls) {
                i++;
                ObjectNode call = arr.addObject();
                call.put("id", c.id() == null ? "call_" + i : c.id()).put("type", "function");
                ObjectNode fn = call.putObject("function").put("name", c.name());
                if (format == ExportFormat.OPENAI_CHAT) {
                    fn.put("arguments", c.arguments());
                } else {
                    fn.set("arguments", argumentsObject(c));
                }
            }
        }
        if (role.equals("tool")) {
            if (toolCallId != null) {
                m.put("tool_call_id", toolCallId);
            }
            if (name != null && format == ExportFormat.HF_MESSAGES) {
                m.put("name", name);
            }
        }
        return m;
    }

    private static JsonNode argumentsObject(QueryRecord.Call c) {
        try {
            JsonNode n = QueryLogJson.MAPPER.readTree(c.arguments() == null || c.arguments().isBlank() ? "{}" : c.arguments());
            if (n != null && n.isObject()) {
                return n;
            }
        } catch (IOException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("tool-call arguments are not a JSON object");
    }

    /** SHA-256 of the request with object keys sorted: equal requests hash equal however they were written. */
    public static String requestHash(QueryRecord r) {
        ObjectNode req = NODES.objectNode();
        req.set("messages", QueryLogJson.MAPPER.valueToTree(r.request().messages()));
        req.set("tools", r.request().tools());
        req.set("response_schema", r.request().responseSchema());
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(QueryLogJson.write(canonical(req)).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static JsonNode canonical(JsonNode n) {
        if (n == null) {
            return NODES.nullNode();
        }
        if (n.isObject()) {
            TreeMap<String, JsonNode> sorted = new TreeMap<>();
            n.properties().forEach(e -> sorted.put(e.getKey(), canonical(e.getValue())));
            ObjectNode o = NODES.objectNode();
            sorted.forEach(o::set);
            return o;
        }
        if (n.isArray()) {
            ArrayNode a = NODES.arrayNode();
            n.forEach(x -> a.add(canonical(x)));
            return a;
        }
        return n;
    }

    /** Builder: all routes, all times, the best target available, no validation split. */
    public static final class Builder {
        private final ExportFormat format;
        private String route;
        private Instant since;
        private TrainingTarget only;
        private double validationSplit;

        private Builder(ExportFormat format) {
            this.format = Objects.requireNonNull(format, "format");
        }

        public Builder route(String route) {
            this.route = route;
            return this;
        }

        public Builder since(Instant since) {
            this.since = since;
            return this;
        }

        /** Only examples whose answer comes from this source ({@code null}: the best available). */
        public Builder only(TrainingTarget only) {
            this.only = only;
            return this;
        }

        /** Share of examples for the validation file, in [0, 0.5]. */
        public Builder validationSplit(double share) {
            if (!(share >= 0 && share <= 0.5)) {
                throw new IllegalArgumentException("the validation split must be between 0 and 0.5, got " + share);
            }
            this.validationSplit = share;
            return this;
        }

        public FineTuneExport build() {
            return new FineTuneExport(this);
        }
    }
}
