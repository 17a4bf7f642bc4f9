package dev.cascade4j.inference;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The user's cache folder for cascade4j (models, natives, llama.cpp sources): env
 * {@code CASCADE4J_CACHE_DIR}, else system property {@code cascade4j.cache.dir}, else the platform's
 * cache folder ({@code $XDG_CACHE_HOME} or {@code ~/.cache} on Linux, {@code ~/Library/Caches} on
 * macOS, {@code %LOCALAPPDATA%} on Windows) with {@code cascade4j} below it.
 */
public final class CacheLocation {
    private CacheLocation() {
    }

    public static Path root() {
        String explicit = System.getenv("CASCADE4J_CACHE_DIR");
        if (explicit == null || explicit.isBlank()) {
            explicit = System.getProperty("cascade4j.cache.dir");
        }
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit).toAbsolutePath();
        }
        String home = System.getProperty("user.home");
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.contains("mac")) {
            return Path.of(home, "Library", "Caches", "cascade4j");
        }
        if (os.contains("win")) {
            String local = System.getenv("LOCALAPPDATA");
            return Path.of(local != null ? local : home, "cascade4j", "cache");
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(home, ".cache")).resolve("cascade4j");
    }

    public static Path models() {
        return root().resolve("models");
    }

    public static Path natives() {
        return root().resolve("natives");
    }

    public static Path llamaCppSources() {
        return root().resolve("llama.cpp");
    }
}
