package dev.cascade4j.inference.source;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The package index and CA bundle that pip is configured with, read the way pip reads them, so that
 * wheels fetched from Java come from the same place as {@code pip download} would take them:
 * configuration files ({@code /etc/xdg/pip/pip.conf}, {@code /etc/pip.conf}, {@code ~/.pip/pip.conf},
 * {@code ~/.config/pip/pip.conf}, {@code $VIRTUAL_ENV/pip.conf}, then {@code PIP_CONFIG_FILE}, a later
 * one overriding an earlier; in each, {@code [download]} over {@code [global]}), then the environment
 * ({@code PIP_INDEX_URL}, {@code PIP_EXTRA_INDEX_URL}, {@code PIP_CERT}). Without a {@code cert}, the
 * CA bundle that requests would use ({@code REQUESTS_CA_BUNDLE}, {@code CURL_CA_BUNDLE}).
 *
 * @param indexes the index first, then the extra indexes, each a PEP 503 "simple" base URL ending in '/'
 * @param caBundle a PEM file of trusted certificates, or null for the JDK's own trust store
 */
record PipConfig(List<URI> indexes, Path caBundle) {
    static final URI PYPI = URI.create("https://pypi.org/simple/");

    static PipConfig fromEnvironment() {
        return load(System.getenv(), configFiles(System.getenv(), Path.of(System.getProperty("user.home"))));
    }

    /** pip's configuration files, in the order pip reads them (later ones win). */
    static List<Path> configFiles(Map<String, String> env, Path home) {
        String configFile = env.get("PIP_CONFIG_FILE");
        if ("/dev/null".equals(configFile) || "nul".equalsIgnoreCase(configFile)) {
            return List.of(); // pip's documented way to load no configuration file at all
        }
        List<Path> files = new ArrayList<>();
        String xdgDirs = env.getOrDefault("XDG_CONFIG_DIRS", "/etc/xdg");
        for (String dir : xdgDirs.split(":")) {
            if (!dir.isBlank()) {
                files.add(Path.of(dir, "pip", "pip.conf"));
            }
        }
        files.add(Path.of("/etc/pip.conf"));
        files.add(home.resolve(".pip/pip.conf"));
        String xdgHome = env.get("XDG_CONFIG_HOME");
        files.add((xdgHome == null || xdgHome.isBlank() ? home.resolve(".config") : Path.of(xdgHome)).resolve("pip/pip.conf"));
        String venv = env.get("VIRTUAL_ENV");
        if (venv != null && !venv.isBlank()) {
            files.add(Path.of(venv, "pip.conf"));
        }
        if (configFile != null && !configFile.isBlank()) {
            files.add(Path.of(configFile));
        }
        return files;
    }

    static PipConfig load(Map<String, String> env, List<Path> files) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (Path file : files) {
            if (Files.isRegularFile(file)) {
                try {
                    Map<String, Map<String, String>> sections = parseIni(Files.readString(file, StandardCharsets.UTF_8));
                    settings.putAll(sections.getOrDefault("global", Map.of()));
                    settings.putAll(sections.getOrDefault("download", Map.of()));
                } catch (IOException e) {
                    // pip stops on an unreadable configuration file; here the file's settings are simply not used
                    System.err.println("cannot read pip configuration " + file + " (" + e.getMessage() + "); ignoring it");
                }
            }
        }
        putIfSet(settings, "index-url", env.get("PIP_INDEX_URL"));
        putIfSet(settings, "extra-index-url", env.get("PIP_EXTRA_INDEX_URL"));
        putIfSet(settings, "cert", env.get("PIP_CERT"));
        List<URI> indexes = new ArrayList<>();
        String index = settings.get("index-url");
        indexes.add(index == null || index.isBlank() ? PYPI : asIndex(index.strip()));
        String extra = settings.get("extra-index-url");
        if (extra != null) {
            for (String url : extra.strip().split("\\s+")) {
                if (!url.isEmpty()) {
                    indexes.add(asIndex(url));
                }
            }
        }
        String cert = settings.get("cert");
        if (cert == null || cert.isBlank()) {
            cert = firstSet(env.get("REQUESTS_CA_BUNDLE"), env.get("CURL_CA_BUNDLE"));
        }
        return new PipConfig(List.copyOf(indexes), cert == null || cert.isBlank() ? null : Path.of(cert.strip()));
    }

    /** A base URL that resolves project names under it. */
    static URI asIndex(String url) {
        return URI.create(url.endsWith("/") ? url : url + "/");
    }

    /**
     * The sections of an INI file as Python's configparser reads pip's: {@code key = value} or
     * {@code key: value}, keys lower-cased with '_' as '-', '#' and ';' comment lines, and indented
     * continuation lines appended to the value (how several extra indexes are written).
     */
    static Map<String, Map<String, String>> parseIni(String text) {
        Map<String, Map<String, String>> sections = new LinkedHashMap<>();
        Map<String, String> current = null;
        String lastKey = null;
        for (String raw : text.split("\r?\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (Character.isWhitespace(raw.charAt(0)) && current != null && lastKey != null) {
                current.merge(lastKey, line, (a, b) -> a.isEmpty() ? b : a + "\n" + b);
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                current = sections.computeIfAbsent(line.substring(1, line.length() - 1).strip().toLowerCase(Locale.ROOT), k -> new LinkedHashMap<>());
                lastKey = null;
                continue;
            }
            int eq = indexOfSeparator(line);
            if (current != null && eq > 0) {
                lastKey = line.substring(0, eq).strip().toLowerCase(Locale.ROOT).replace('_', '-');
                current.put(lastKey, line.substring(eq + 1).strip());
            }
        }
        return sections;
    }

    private static int indexOfSeparator(String line) {
        int eq = line.indexOf('=');
        int colon = line.indexOf(':');
        // "index-url = https://..." has a ':' in its value: the first separator is the one that counts
        if (eq < 0) {
            return colon;
        }
        return colon < 0 ? eq : Math.min(eq, colon);
    }

    private static void putIfSet(Map<String, String> settings, String key, String value) {
        if (value != null && !value.isBlank()) {
            settings.put(key, value);
        }
    }

    private static String firstSet(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }
}
