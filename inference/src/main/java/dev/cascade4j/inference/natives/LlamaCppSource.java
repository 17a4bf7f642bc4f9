package dev.cascade4j.inference.natives;

import dev.cascade4j.inference.CacheLocation;
import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.inference.source.ConsoleProgressBar;
import dev.cascade4j.inference.source.Downloader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The exact llama.cpp source of the pinned natives: the {@code node-llama-cpp} npm package carries it
 * as a git bundle, cloned once into the cache. Used to check the FFM layouts against {@code llama.h}
 * and to build llama.cpp's own benchmark.
 */
public final class LlamaCppSource {
    private LlamaCppSource() {
    }

    public static Path checkout() {
        Path root = CacheLocation.llamaCppSources().resolve(LlamaNatives.version());
        Path src = root.resolve("src");
        if (Files.isRegularFile(src.resolve("include/llama.h"))) {
            return src;
        }
        Path pkg = root.resolve("package");
        if (!Files.isRegularFile(pkg.resolve(".integrity"))) {
            new NpmPackage("node-llama-cpp", LlamaNatives.version(), new Downloader(new ConsoleProgressBar()))
                    .unpack(pkg, path -> path.equals("llama/gitRelease.bundle"));
        }
        try {
            Path staging = Files.createTempDirectory(root, "src.clone");
            Files.delete(staging);
            Process git = new ProcessBuilder("git", "clone", "--quiet", pkg.resolve("llama/gitRelease.bundle").toString(), staging.toString())
                    .redirectErrorStream(true).start();
            String out = new String(git.getInputStream().readAllBytes());
            if (git.waitFor() != 0) {
                throw new InferenceException.ResourceUnavailable("git clone of the llama.cpp bundle failed: " + out.strip());
            }
            try {
                Files.move(staging, src);
            } catch (IOException raced) {
                NpmPackage.deleteTree(staging);
            }
            return src;
        } catch (IOException e) {
            throw new InferenceException.ResourceUnavailable("cannot clone the llama.cpp source (is git installed?): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InferenceException.ResourceUnavailable("interrupted while cloning the llama.cpp source");
        }
    }
}
