package dev.cascade4j.cli;

import dev.cascade4j.router.cluster.RemoteModel;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether the models a router node reaches over the cluster have a node serving them, for its
 * {@code /ready}: each is pinged every {@link #EVERY}; the last answers are kept, so the probe itself
 * only reads a field.
 */
final class ClusterReadiness {
    static final Duration EVERY = Duration.ofSeconds(2);

    private final List<RemoteModel> models;
    private volatile String problem;

    private ClusterReadiness(List<RemoteModel> models) {
        this.models = models;
    }

    static ClusterReadiness watch(Vertx vertx, List<RemoteModel> models) {
        ClusterReadiness r = new ClusterReadiness(models);
        r.probe();
        vertx.setPeriodic(EVERY.toMillis(), id -> r.probe());
        return r;
    }

    /** Why some model cannot be served now ("no node of the cluster serves model qwen-1.5b ..."); {@code null} when all can. */
    String problem() {
        return problem;
    }

    private void probe() {
        List<Future<String>> pings = new ArrayList<>();
        models.forEach(m -> pings.add(m.ping()));
        Future.join(pings).onComplete(ar -> {
            List<String> missing = new ArrayList<>();
            for (Future<String> p : pings) {
                if (p.failed()) {
                    missing.add(p.cause().getMessage());
                }
            }
            problem = missing.isEmpty() ? null : String.join("; ", missing);
        });
    }
}
