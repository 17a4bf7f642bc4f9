package dev.cascade4j.agent.log;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cascade4j.agent.internal.log.QueryLogJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Reads the segment files of a {@link JsonlQueryLog}: lists them in order, skips torn lines, merges feedback. */
public final class JsonlSegments {
    private static final Pattern NAME = Pattern.compile("queries-(\\d{6,})\\.jsonl");

    private JsonlSegments() {
    }

    /** One segment file and its sequence number. */
    public record Segment(Path path, long number) {
    }

    /**
     * What a scan found.
     *
     * @param records      matching records, oldest first, with their latest feedback merged
     * @param skippedLines lines that were not whole JSON (torn by a crash mid-write); never fatal
     * @param segments     segment files read
     */
    public record Scan(List<QueryRecord> records, int skippedLines, int segments) {
    }

    static String name(long number) {
        return "queries-%06d.jsonl".formatted(number);
    }

    static long number(String fileName) {
        Matcher m = NAME.matcher(fileName);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a query log segment: " + fileName);
        }
        return Long.parseLong(m.group(1));
    }

    /** Segments in {@code dir}, in write order; none when the folder does not exist. */
    public static List<Segment> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
                    .map(p -> new Segment(p, number(p.getFileName().toString())))
                    .sorted(Comparator.comparingLong(Segment::number))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the query log in " + dir, e);
        }
    }

    /** Reads every segment of the log in {@code dir}. Safe while a writer appends: a half-written tail is skipped. */
    public static Scan scan(Path dir, LogQuery query) {
        Map<String, QueryRecord> records = new LinkedHashMap<>();
        Map<String, QueryRecord.Feedback> feedback = new HashMap<>();
        int skipped = 0;
        List<Segment> segments = list(dir);
        for (Segment s : segments) {
            // InputStreamReader replaces malformed UTF-8 (a line cut inside a character) instead of throwing.
            try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(s.path()), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.isBlank()) {
                        continue;
                    }
                    if (!take(line, records, feedback)) {
                        skipped++;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read query log segment " + s.path(), e);
            }
        }
        List<QueryRecord> out = new ArrayList<>();
        for (QueryRecord r : records.values()) {
            QueryRecord.Feedback f = feedback.get(r.id());
            QueryRecord merged = f == null ? r : r.withFeedback(f);
            if (query.matches(merged)) {
                out.add(merged);
                if (query.limit() > 0 && out.size() == query.limit()) {
                    break;
                }
            }
        }
        return new Scan(out, skipped, segments.size());
    }

    private static boolean take(String line, Map<String, QueryRecord> records, Map<String, QueryRecord.Feedback> feedback) {
        JsonNode node;
        try {
            node = QueryLogJson.MAPPER.readTree(line);
        } catch (IOException torn) {
            return false;
        }
        if (node == null || !node.isObject()) {
            return false;
        }
        try {
            switch (node.path("type").asText()) {
                case "query" -> records.putIfAbsent(node.path("id").asText(), QueryLogJson.readRecord(node));
                case "feedback" -> {
                    QueryRecord.Feedback f = QueryLogJson.MAPPER.treeToValue(node, QueryRecord.Feedback.class);
                    // the latest feedback wins; on equal times, the later line
                    feedback.merge(node.path("id").asText(), f, (old, neu) -> neu.time().isBefore(old.time()) ? old : neu);
                }
                default -> {
                    return false;
                }
            }
            return true;
        } catch (IOException | IllegalArgumentException bad) {
            return false;
        }
    }
}
