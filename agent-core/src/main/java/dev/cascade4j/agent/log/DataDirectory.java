package dev.cascade4j.agent.log;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The user's data folder for cascade4j (the query log lives in {@code queries/} below it): env
 * {@code CASCADE4J_DATA_DIR}, else system property {@code cascade4j.data.dir}, else
 * {@code $XDG_DATA_HOME/cascade4j} or {@code ~/.local/share/cascade4j} ({@code ~/Library/Application
 * Support/cascade4j} on macOS, {@code %LOCALAPPDATA%\cascade4j\data} on Windows).
 */
public final class DataDirectory {
    private DataDirectory() {
    }

    public static Path root() {
        String explicit = System.getenv("CASCADE4J_DATA_DIR");
        if (explicit == null || explicit.isBlank()) {
            explicit = System.getProperty("cascade4j.data.dir");
        }
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit).toAbsolutePath();
        }
        String home = System.getProperty("user.home");
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.contains("mac")) {
            return Path.of(home, "Library", "Application Support", "cascade4j");
        }
        if (os.contains("win")) {
            String local = System.getenv("LOCALAPPDATA");
            return Path.of(local != null ? local : home, "cascade4j", "data");
        }
        String xdg = System.getenv("XDG_DATA_HOME");
        return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(home, ".local", "share")).resolve("cascade4j");
    }

    /** The folder of the JSONL query log under a data folder. */
    public static Path queries(Path dataDir) {
        return dataDir.resolve("queries");
    }
}
