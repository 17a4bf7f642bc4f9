package dev.cascade4j.inference.natives;

import dev.cascade4j.inference.CacheLocation;
import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.inference.source.ConsoleProgressBar;
import dev.cascade4j.inference.source.Downloader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Where llama.cpp's shared libraries come from: the folder named by {@code CASCADE4J_LLAMA_LIB_DIR}
 * (or system property {@code cascade4j.llama.libDir}) when set, e.g. a GPU build of one's own;
 * otherwise the prebuilt {@code @node-llama-cpp/<platform>} npm package of the pinned version,
 * fetched once into the cache and checked against the registry's sha512 integrity.
 */
public final class LlamaNatives {
    private LlamaNatives() {
    }

    /** The pinned node-llama-cpp version whose llama.cpp the bindings were written against. */
    public static String version() {
        try (InputStream in = LlamaNatives.class.getResourceAsStream("/dev/cascade4j/inference/natives.properties")) {
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("natives.properties is missing from the cascade4j-inference jar", e);
        }
    }

    public static Path libraryDirectory() {
        String own = System.getProperty("cascade4j.llama.libDir", System.getenv("CASCADE4J_LLAMA_LIB_DIR"));
        if (own != null && !own.isBlank()) {
            Path dir = Path.of(own);
            llamaLibrary(dir); // fails with a clear message when there is no libllama there
            return dir;
        }
        return fetch();
    }

    /** Fetches the natives for this platform if they are not cached yet; returns their folder. */
    public static Path fetch() {
        String platform = platform();
        Path target = CacheLocation.natives().resolve(version()).resolve(platform);
        if (!Files.isRegularFile(target.resolve(".integrity"))) {
            new NpmPackage("@node-llama-cpp/" + platform, version(), new Downloader(new ConsoleProgressBar()))
                    .unpack(target, path -> path.startsWith("bins/"));
        }
        return target.resolve("bins").resolve(platform);
    }

    /** The npm platform name, with an optional variant such as {@code cuda} or {@code vulkan} from CASCADE4J_LLAMA_VARIANT. */
    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String a = switch (arch) {
            case "amd64", "x86_64" -> "x64";
            case "aarch64", "arm64" -> "arm64";
            case "arm" -> "armv7l";
            default -> throw unsupported(os, arch);
        };
        String base;
        if (os.contains("linux")) {
            base = "linux-" + a;
        } else if (os.contains("mac")) {
            base = a.equals("arm64") ? "mac-arm64-metal" : "mac-x64";
        } else if (os.contains("win")) {
            base = "win-" + a;
        } else {
            throw unsupported(os, arch);
        }
        String variant = System.getenv("CASCADE4J_LLAMA_VARIANT");
        return variant == null || variant.isBlank() ? base : base + "-" + variant;
    }

    private static InferenceException unsupported(String os, String arch) {
        return new InferenceException.ResourceUnavailable("no prebuilt llama.cpp for " + os + "/" + arch
                + "; build llama.cpp as shared libraries and set CASCADE4J_LLAMA_LIB_DIR to the folder holding libllama");
    }

    public static Path llamaLibrary(Path dir) {
        return find(dir, "llama");
    }

    public static Path ggmlLibrary(Path dir) {
        return find(dir, "ggml");
    }

    // Matches libllama.so, libllama.v0.5.0.so, libllama.dylib, llama.dll but not libllama-common.so.
    private static Path find(Path dir, String stem) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> {
                String n = p.getFileName().toString();
                String bare = n.startsWith("lib") ? n.substring(3) : n;
                return bare.startsWith(stem + ".") && (n.contains(".so") || n.endsWith(".dylib") || n.endsWith(".dll"));
            }).findFirst().orElseThrow(() -> new InferenceException.ResourceUnavailable("no lib" + stem + " shared library in " + dir
                    + "; point CASCADE4J_LLAMA_LIB_DIR at a llama.cpp build's library folder, or unset it to use the prebuilt natives"));
        } catch (IOException e) {
            throw new InferenceException.ResourceUnavailable("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }
}
