package dev.cascade4j.inference.internal.source;

import dev.cascade4j.inference.source.ProgressListener;
import java.io.PrintStream;

/**
 * A progress bar on standard error: redrawn in place on a terminal; on a log (CI) one line per
 * tenth of the download, so logs stay short.
 */
public final class ConsoleProgressBar implements ProgressListener {
    private final PrintStream out;
    private final boolean terminal;
    private String what;
    private long total;
    private long startNanos;
    private long lastDrawNanos;
    private int lastTenth = -1;
    private long bytes;

    public ConsoleProgressBar() {
        // Since JDK 22 System.console() exists even when redirected; isTerminal() tells a terminal from a CI log.
        this(System.err, System.console() != null && System.console().isTerminal());
    }

    ConsoleProgressBar(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    @Override
    public synchronized void started(String what, long totalBytes) {
        this.what = what;
        this.total = totalBytes;
        this.startNanos = System.nanoTime();
        this.lastTenth = -1;
        this.bytes = 0;
        out.println("Downloading " + what + (totalBytes > 0 ? " (" + mb(totalBytes) + ")" : ""));
    }

    @Override
    public synchronized void advanced(long bytesSoFar) {
        bytes = bytesSoFar;
        long now = System.nanoTime();
        if (terminal) {
            if (now - lastDrawNanos > 100_000_000L) {
                lastDrawNanos = now;
                out.print("\r" + line(now));
                out.flush();
            }
        } else if (total > 0) {
            int tenth = (int) (10 * bytesSoFar / total);
            if (tenth > lastTenth) {
                lastTenth = tenth;
                out.println("  " + line(now));
            }
        }
    }

    @Override
    public synchronized void finished() {
        if (terminal) {
            out.print("\r" + line(System.nanoTime()) + "\n");
        }
        out.flush();
    }

    private String line(long now) {
        double seconds = Math.max(1e-3, (now - startNanos) / 1e9);
        double rate = bytes / seconds;
        if (total <= 0) {
            return String.format("%s  %s/s", mb(bytes), mb((long) rate));
        }
        int percent = (int) (100 * bytes / total);
        int filled = percent * 30 / 100;
        String bar = "#".repeat(filled) + "-".repeat(30 - filled);
        String eta = bytes > 0 ? (long) ((total - bytes) / rate) + "s" : "--";
        return String.format("[%s] %3d%%  %s / %s  %s/s  ETA %s", bar, percent, mb(bytes), mb(total), mb((long) rate), eta);
    }

    private static String mb(long bytes) {
        return String.format("%.1f MB", bytes / 1e6);
    }
}
