package dev.cascade4j.cli.bench;

import dev.cascade4j.cli.Cli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A {@code serve} node in its own JVM, on this JVM's class path, its output in a file: for the cluster benchmark and tests. */
public final class ServeProcess implements AutoCloseable {
    private final String name;
    private final List<String> command;
    private final Path output;
    private Process process;

    public ServeProcess(String name, Path dir, List<String> serveArgs) {
        this(name, dir, List.of(), serveArgs);
    }

    /** A node whose JVM also gets {@code jvmArgs} (system properties, for instance a log level). */
    public ServeProcess(String name, Path dir, List<String> jvmArgs, List<String> serveArgs) {
        this.name = name;
        this.output = dir.resolve(name + ".log");
        String java = ProcessHandle.current().info().command().orElseThrow();
        command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "-Xmx1g"));
        command.addAll(jvmArgs);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Cli.class.getName(), "serve"));
        command.addAll(serveArgs);
    }

    public ServeProcess start() throws IOException {
        Files.deleteIfExists(output);
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        return this;
    }

    /** Waits until the node prints a line containing {@code text}; fails early when the node exits. */
    public void awaitLine(String text, Duration timeout) throws Exception {
        long until = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < until) {
            if (Files.exists(output) && Files.readString(output).contains(text)) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited (" + process.exitValue() + ") before printing '" + text + "':\n" + log());
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(name + " did not print '" + text + "' within " + timeout + ":\n" + log());
    }

    /** kill -9: no shutdown hook runs, the node vanishes from the cluster as a crashed machine would. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, and waits for the node's shutdown hook to finish. */
    public int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(name + " did not stop within 60 s of SIGTERM");
        }
        return process.exitValue();
    }

    public String log() throws IOException {
        return Files.exists(output) ? Files.readString(output) : "(no output)";
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
