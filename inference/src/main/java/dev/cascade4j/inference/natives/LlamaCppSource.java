package dev.cascade4j.inference.natives;

import dev.cascade4j.inference.CacheLocation;
import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.inference.internal.source.CacheLock;
import dev.cascade4j.inference.internal.source.ConsoleProgressBar;
import dev.cascade4j.inference.internal.source.Downloader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The exact llama.cpp source of the pinned natives: the {@code node-llama-cpp} npm package carries it
 * as a git bundle ({@code llama/gitRelease.bundle}), cloned once into {@code llama.cpp/<version>/src}.
 * Used to check the FFM layouts against {@code llama.h} and to build llama.cpp's own benchmark.
 */
public final class LlamaCppSource {
    private static final String BUNDLE = "llama/gitRelease.bundle";

    private LlamaCppSource() {
    }

    /** The source folder (holding {@code include/llama.h}), fetched and cloned first if needed. */
    public static Path checkout() {
        String version = LlamaNatives.version();
        NpmPackage pkg = new NpmPackage(NpmPackage.registryFromEnvironment(), "node-llama-cpp", version,
                new Downloader(new ConsoleProgressBar()));
        return checkout(CacheLocation.llamaCppSources().resolve(version), pkg);
    }

    static Path checkout(Path root, NpmPackage pkg) {
        Path src = root.resolve("src");
        if (Files.isRegularFile(src.resolve("include/llama.h"))) {
            return src;
        }
        requireGit();
        Path packageDir = root.resolve("package");
        pkg.unpack(packageDir, path -> path.equals(BUNDLE));
        try (CacheLock lock = CacheLock.acquire(root.resolve("src.lock"))) {
            if (Files.isRegularFile(src.resolve("include/llama.h"))) {
                return src; // another process cloned it while we waited
            }
            NpmPackage.deleteTree(src);
            Path staging = root.resolve("src.clone");
            NpmPackage.deleteTree(staging);
            run(List.of("git", "clone", "--quiet", packageDir.resolve(BUNDLE).toString(), staging.toString()), "git clone of the llama.cpp bundle");
            if (!Files.isRegularFile(staging.resolve("include/llama.h"))) {
                throw new InferenceException.ResourceUnavailable("the llama.cpp bundle in " + packageDir + " has no include/llama.h");
            }
            Files.move(staging, src);
            return src;
        } catch (IOException e) {
            throw new InferenceException.ResourceUnavailable("cannot clone the llama.cpp source into " + src + ": " + e.getMessage(), e);
        }
    }

    private static void requireGit() {
        try {
            run(List.of("git", "--version"), "git --version");
        } catch (IOException | InferenceException e) {
            throw new InferenceException.ResourceUnavailable("the llama.cpp source is cloned from a git bundle, and git was not found; install git (e.g. apt install git) and try again", e);
        }
    }

    private static void run(List<String> command, String what) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) {
                throw new InferenceException.ResourceUnavailable(what + " failed: " + out.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroy();
            throw new InferenceException.ResourceUnavailable("interrupted during " + what);
        }
    }
}
