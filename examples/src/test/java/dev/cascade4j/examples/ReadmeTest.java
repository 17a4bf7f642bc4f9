package dev.cascade4j.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * README's Java is the code: each {@code ```java} block is preceded by
 * {@code <!-- snippet: path/to/Source.java#region -->} and must equal the lines between
 * {@code // readme:region-begin} and {@code // readme:region-end} in that source (indentation
 * removed, nested markers left out), which the build compiles (examples/starter is built and run
 * by CI). Run with {@code -Dreadme.update=true} to rewrite README's blocks from the sources.
 */
class ReadmeTest {
    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent();
    private static final Pattern SNIPPET = Pattern.compile("<!-- snippet: (\\S+)#([\\w-]+) -->");
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

    @Test
    void everyJavaBlockEqualsTheSourceRegionItNames() throws IOException {
        Path readme = ROOT.resolve("README.md");
        List<String> lines = new ArrayList<>(Files.readAllLines(readme, StandardCharsets.UTF_8));
        List<String> failures = new ArrayList<>();
        int blocks = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).strip().equals("```java")) {
                continue;
            }
            blocks++;
            int open = i;
            int close = open + 1;
            while (close < lines.size() && !lines.get(close).strip().equals("```")) {
                close++;
            }
            int before = open - 1;
            while (before >= 0 && lines.get(before).isBlank()) {
                before--;
            }
            Matcher m = before >= 0 ? SNIPPET.matcher(lines.get(before).strip()) : null;
            if (m == null || !m.matches()) {
                failures.add("README.md:" + (open + 1) + ": a java block without a '<!-- snippet: path/Source.java#region -->' line before it;"
                        + " put the code in a compiled source between // readme:NAME-begin and // readme:NAME-end and name it");
                i = close;
                continue;
            }
            List<String> expected;
            try {
                expected = region(ROOT.resolve(m.group(1)), m.group(2));
            } catch (IllegalStateException | IOException e) {
                failures.add("README.md:" + (before + 1) + ": " + e.getMessage());
                i = close;
                continue;
            }
            List<String> actual = lines.subList(open + 1, close);
            if (!expected.equals(actual)) {
                if (Boolean.getBoolean("readme.update")) {
                    actual.clear();
                    actual.addAll(expected);
                    close = open + 1 + expected.size();
                } else {
                    failures.add(difference(open + 2, m.group(1) + "#" + m.group(2), expected, actual));
                }
            }
            i = close;
        }
        if (Boolean.getBoolean("readme.update")) {
            Files.write(readme, lines, StandardCharsets.UTF_8);
        }
        assertTrue(blocks > 0, "README.md has no java block; the test would prove nothing");
        if (!failures.isEmpty()) {
            fail(String.join("\n\n", failures) + "\n\n(run ./mvnw -pl examples -am test -Dtest=ReadmeTest -Dsurefire.failIfNoSpecifiedTests=false"
                    + " -Dreadme.update=true to rewrite README's blocks from the sources)");
        }
    }

    @Test
    void theDocsLinkOnlyToFilesInTheRepository() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> s = Files.list(ROOT.resolve("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        List<String> failures = new ArrayList<>();
        for (Path doc : docs) {
            Matcher m = LINK.matcher(Files.readString(doc));
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("[a-z]+:.*") || target.startsWith("#")) {
                    continue; // a web address or an anchor in the same page
                }
                Path file = doc.getParent().resolve(target.replaceAll("#.*", "")).normalize();
                if (!file.startsWith(ROOT) || !Files.exists(file)) {
                    failures.add(ROOT.relativize(doc) + " links to " + target + ", which is not a file of the repository");
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    /** The lines of a marked region, without its indentation and without the markers of regions nested in it. */
    static List<String> region(Path source, String name) throws IOException {
        if (!Files.isRegularFile(source)) {
            throw new IllegalStateException("the snippet's source " + ROOT.relativize(source) + " does not exist");
        }
        List<String> all = Files.readAllLines(source, StandardCharsets.UTF_8);
        int begin = all.stream().map(String::strip).toList().indexOf("// readme:" + name + "-begin");
        int end = all.stream().map(String::strip).toList().indexOf("// readme:" + name + "-end");
        if (begin < 0 || end < begin) {
            throw new IllegalStateException(ROOT.relativize(source) + " has no region '" + name + "' (// readme:" + name + "-begin ... // readme:"
                    + name + "-end)");
        }
        List<String> body = all.subList(begin + 1, end).stream().filter(l -> !l.strip().startsWith("// readme:")).toList();
        int indent = body.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        return body.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).toList();
    }

    private static String difference(int firstLine, String region, List<String> expected, List<String> actual) {
        int i = 0;
        while (i < expected.size() && i < actual.size() && expected.get(i).equals(actual.get(i))) {
            i++;
        }
        return "README.md:" + (firstLine + i) + " differs from " + region + " at line " + (i + 1) + " of the block:\n"
                + "  README: " + (i < actual.size() ? actual.get(i) : "(block ends)") + "\n"
                + "  source: " + (i < expected.size() ? expected.get(i) : "(region ends)") + "\n"
                + "the block should read:\n" + String.join("\n", expected);
    }
}
