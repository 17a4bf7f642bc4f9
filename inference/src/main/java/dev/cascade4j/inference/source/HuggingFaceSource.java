package dev.cascade4j.inference.source;

import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.inference.internal.source.Downloader;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Files from the Hugging Face Hub: {@code {endpoint}/{owner}/{repo}/resolve/{revision}/{file}}, resumed
 * from a {@code .part} file after a failure, and checked against the SHA-256 the Hub publishes for
 * LFS files as their ETag.
 */
final class HuggingFaceSource {
    private final URI endpoint;
    private final String token;
    private final Downloader downloader;

    HuggingFaceSource(URI endpoint, String token, Downloader downloader) {
        String base = endpoint.toString();
        this.endpoint = URI.create(base.endsWith("/") ? base : base + "/");
        this.token = token;
        this.downloader = downloader;
    }

    /** The endpoint from {@code CASCADE4J_HF_ENDPOINT} or {@code cascade4j.hf.endpoint}, the token from {@code HF_TOKEN}. */
    static HuggingFaceSource fromEnvironment(ProgressListener progress) {
        String base = System.getenv("CASCADE4J_HF_ENDPOINT");
        if (base == null || base.isBlank()) {
            base = System.getProperty("cascade4j.hf.endpoint", "https://huggingface.co");
        }
        String token = System.getenv("HF_TOKEN");
        return new HuggingFaceSource(URI.create(base), token == null || token.isBlank() ? null : token, new Downloader(progress));
    }

    URI uriOf(ModelRef.HuggingFace ref) {
        // A revision such as refs/pr/1 is one path segment for the Hub, so its slashes are encoded.
        StringBuilder path = new StringBuilder(segment(ref.owner()) + "/" + segment(ref.repo()) + "/resolve/" + segment(ref.revision()));
        for (String part : ref.file().split("/")) {
            path.append('/').append(segment(part));
        }
        return endpoint.resolve(path.toString());
    }

    private static String segment(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Downloads the file into {@code folder} (a {@code .part} beside it until verified). */
    FetchedModel fetch(ModelRef.HuggingFace ref, Path folder) throws IOException {
        String name = ref.file().substring(ref.file().lastIndexOf('/') + 1);
        Path part = folder.resolve(name + ".part");
        URI uri = uriOf(ref);
        Map<String, String> headers = new HashMap<>();
        if (token != null) {
            headers.put("Authorization", "Bearer " + token);
        }
        Downloader.Hops hops = downloader.download(uri, part, headers, ref.display());
        String sha = FileDigest.sha256Hex(part);
        Optional<String> expected = publishedSha256(hops);
        if (expected.isPresent() && !expected.get().equals(sha)) {
            Files.delete(part);
            throw new InferenceException.ResourceUnavailable("SHA-256 of " + ref.display() + " is " + sha + " but the Hub says "
                    + expected.get() + "; the corrupt download was deleted, run the command again");
        }
        Path file = folder.resolve(name);
        Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new FetchedModel(file, sha, Files.size(file), uri.toString());
    }

    // LFS files carry their SHA-256 as X-Linked-Etag on the Hub's redirect (and as ETag on the Hub's own
    // answer); small git files carry a 40-hex git hash there instead, which says nothing about SHA-256.
    private static Optional<String> publishedSha256(Downloader.Hops hops) {
        for (String header : new String[] {"X-Linked-Etag", "ETag"}) {
            for (String value : hops.all(header)) {
                String tag = value.replace("W/", "").replace("\"", "").strip().toLowerCase(java.util.Locale.ROOT);
                if (tag.matches("[0-9a-f]{64}")) {
                    return Optional.of(tag);
                }
            }
        }
        return Optional.empty();
    }
}
