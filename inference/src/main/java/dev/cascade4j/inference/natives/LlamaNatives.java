package dev.cascade4j.inference.natives;

import dev.cascade4j.inference.CacheLocation;
import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.inference.internal.source.ConsoleProgressBar;
import dev.cascade4j.inference.internal.source.Downloader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Where llama.cpp's shared libraries come from: the folder named by {@code CASCADE4J_LLAMA_LIB_DIR}
 * (or system property {@code cascade4j.llama.libDir}) when set, e.g. a GPU build of one's own;
 * otherwise the prebuilt {@code @node-llama-cpp/<platform>} npm package of the pinned version,
 * fetched once into {@code natives/<version>/<platform>/} and checked against the registry's sha512
 * integrity. {@code CASCADE4J_LLAMA_VARIANT} (or {@code cascade4j.llama.variant}) picks a GPU build
 * of the package, e.g. {@code cuda} or {@code vulkan}.
 */
public final class LlamaNatives {
    private LlamaNatives() {
    }

    /** The pinned node-llama-cpp version whose llama.cpp the bindings were written against. */
    public static String version() {
        try (InputStream in = LlamaNatives.class.getResourceAsStream("/dev/cascade4j/inference/natives.properties")) {
            if (in == null) {
                throw new IllegalStateException("natives.properties is missing from the cascade4j-inference jar");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read natives.properties from the cascade4j-inference jar", e);
        }
    }

    /** The folder holding libllama and the libggml* backends, fetched first if needed. */
    public static Path libraryDirectory() {
        String own = setting("CASCADE4J_LLAMA_LIB_DIR", "cascade4j.llama.libDir");
        if (own != null) {
            Path dir = Path.of(own);
            if (!Files.isDirectory(dir)) {
                throw new InferenceException.ResourceUnavailable("CASCADE4J_LLAMA_LIB_DIR names " + dir
                        + ", which is not a folder; point it at a llama.cpp build's library folder, or unset it to use the prebuilt natives");
            }
            llamaLibrary(dir); // fails with a clear message when there is no libllama there
            return dir;
        }
        return fetch();
    }

    /** Fetches the prebuilt natives for this platform if they are not cached yet; returns their folder. */
    public static Path fetch() {
        String platform = platform();
        String version = version();
        NpmPackage pkg = new NpmPackage(NpmPackage.registryFromEnvironment(), "@node-llama-cpp/" + platform, version,
                new Downloader(new ConsoleProgressBar()));
        return fetch(CacheLocation.natives().resolve(version).resolve(platform), pkg, platform);
    }

    static Path fetch(Path target, NpmPackage pkg, String platform) {
        if (!NpmPackage.isUnpacked(target)) {
            try {
                pkg.unpack(target, path -> path.startsWith("bins/" + platform + "/"));
            } catch (InferenceException.ResourceUnavailable e) {
                throw new InferenceException.ResourceUnavailable(e.getMessage()
                        + ". Without the prebuilt natives, build llama.cpp as shared libraries and set CASCADE4J_LLAMA_LIB_DIR to its library folder", e);
            }
        }
        return target.resolve("bins").resolve(platform);
    }

    /** The npm platform name, e.g. linux-x64 or mac-arm64-metal, with the variant if one is set (linux-x64-cuda). */
    static String platform() {
        return platform(System.getProperty("os.name", ""), System.getProperty("os.arch", ""),
                setting("CASCADE4J_LLAMA_VARIANT", "cascade4j.llama.variant"));
    }

    static String platform(String osName, String osArch, String variant) {
        String os = osName.toLowerCase(Locale.ROOT);
        String arch = osArch.toLowerCase(Locale.ROOT);
        String a = switch (arch) {
            case "amd64", "x86_64" -> "x64";
            case "aarch64", "arm64" -> "arm64";
            case "arm", "armv7l" -> "armv7l";
            default -> throw unsupported(osName, osArch);
        };
        String base;
        if (os.contains("linux")) {
            base = "linux-" + a;
        } else if (os.contains("mac")) {
            // node-llama-cpp's Apple Silicon build is the Metal one; Intel Macs get a CPU build.
            base = switch (a) {
                case "arm64" -> "mac-arm64-metal";
                case "x64" -> "mac-x64";
                default -> throw unsupported(osName, osArch);
            };
        } else if (os.contains("win") && !a.equals("armv7l")) {
            base = "win-" + a;
        } else {
            throw unsupported(osName, osArch);
        }
        return variant == null || variant.isBlank() || base.startsWith("mac-") ? base : base + "-" + variant.strip();
    }

    private static InferenceException unsupported(String os, String arch) {
        return new InferenceException.ResourceUnavailable("no prebuilt llama.cpp for " + os + "/" + arch
                + "; build llama.cpp as shared libraries (cmake -DBUILD_SHARED_LIBS=ON) and set CASCADE4J_LLAMA_LIB_DIR to the folder holding libllama");
    }

    /** libllama in {@code dir}: libllama.so, libllama.v0.5.0.so (versioned soname), libllama.dylib or llama.dll. */
    public static Path llamaLibrary(Path dir) {
        return find(dir, "llama");
    }

    /** libggml in {@code dir}, the backend registry that loads the libggml-cpu-* variants. */
    public static Path ggmlLibrary(Path dir) {
        return find(dir, "ggml");
    }

    /** libggml-base in {@code dir}, the tensor core every backend links against. */
    public static Path ggmlBaseLibrary(Path dir) {
        return find(dir, "ggml-base");
    }

    /**
     * The CPU backend variant pinned by {@code CASCADE4J_CPU_BACKEND} (or {@code -Dcascade4j.cpuBackend}),
     * such as {@code haswell}, {@code skylakex} or {@code x64}; null when ggml may pick the best one.
     */
    public static String cpuBackend() {
        String name = setting("CASCADE4J_CPU_BACKEND", "cascade4j.cpuBackend");
        return name == null ? null : name.strip().toLowerCase(Locale.ROOT);
    }

    /** libggml-cpu-NAME in {@code dir}, one CPU backend variant, with the variants present listed when it is missing. */
    public static Path cpuBackendLibrary(Path dir, String name) {
        try {
            return find(dir, "ggml-cpu-" + name);
        } catch (InferenceException e) {
            List<String> present;
            try (Stream<Path> files = Files.list(dir)) {
                present = files.map(p -> p.getFileName().toString())
                        .filter(n -> n.startsWith("libggml-cpu-"))
                        .map(n -> n.substring("libggml-cpu-".length(), n.indexOf('.')))
                        .sorted().toList();
            } catch (IOException io) {
                present = List.of();
            }
            throw new InferenceException.ResourceUnavailable("no CPU backend named " + name + " (CASCADE4J_CPU_BACKEND) in the natives; "
                    + (present.isEmpty() ? "these natives have a single CPU backend: unset it" : "choose one of " + String.join(", ", present)));
        }
    }

    // "llama" matches libllama.so and libllama.v0.5.0.so but not libllama-common.so.
    private static Path find(Path dir, String stem) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> {
                String n = p.getFileName().toString();
                String bare = n.startsWith("lib") ? n.substring(3) : n;
                return bare.startsWith(stem + ".") && (n.endsWith(".so") || n.contains(".so.") || n.endsWith(".dylib") || n.endsWith(".dll"));
            }).sorted().findFirst().orElseThrow(() -> new InferenceException.ResourceUnavailable("no lib" + stem + " shared library in " + dir
                    + "; point CASCADE4J_LLAMA_LIB_DIR at a llama.cpp build's library folder, or unset it to use the prebuilt natives"));
        } catch (IOException e) {
            throw new InferenceException.ResourceUnavailable("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String setting(String env, String property) {
        String value = System.getenv(env);
        if (value == null || value.isBlank()) {
            value = System.getProperty(property);
        }
        return value == null || value.isBlank() ? null : value;
    }
}
