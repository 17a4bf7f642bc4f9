package dev.cascade4j.agent.log;

import java.nio.file.Path;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;

/**
 * A writer process for the crash test: appends records as fast as the log takes them and prints
 * each id on standard output once its append is acknowledged, until it is killed.
 */
public final class AppendUntilKilled {
    private AppendUntilKilled() {
    }

    public static void main(String[] args) throws Exception {
        JsonlQueryLog log = JsonlQueryLog.builder(Path.of(args[0])).maxSegmentBytes(Long.parseLong(args[1])).open();
        LinkedBlockingQueue<String> acked = new LinkedBlockingQueue<>();
        Thread printer = Thread.ofPlatform().start(() -> {
            try {
                while (true) {
                    String id = acked.take();
                    System.out.println(id);
                    System.out.flush();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Semaphore inFlight = new Semaphore(256);
        for (long n = 0; ; n++) {
            inFlight.acquire();
            String id = "k-" + n;
            log.append(SampleRecords.record(id)).onComplete(ar -> {
                inFlight.release();
                if (ar.succeeded()) {
                    acked.add(id);
                } else {
                    System.err.println("append " + id + " failed: " + ar.cause());
                }
            });
            if (!printer.isAlive()) {
                return;
            }
        }
    }
}
