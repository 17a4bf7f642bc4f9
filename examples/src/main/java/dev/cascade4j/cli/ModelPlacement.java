package dev.cascade4j.cli;

import dev.cascade4j.inference.LocalModel;
import dev.cascade4j.inference.langchain4j.LocalChatModel;
import dev.cascade4j.inference.source.ModelStore;
import dev.cascade4j.router.CascadeRouter;
import dev.cascade4j.router.cluster.NodeDepartures;
import dev.cascade4j.router.cluster.RemoteModel;
import dev.cascade4j.router.config.LargeModelConfig;
import dev.cascade4j.router.config.LocalModelConfig;
import dev.cascade4j.router.config.RouterConfig;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which of the configuration's local models this node holds (loaded here), and how its router reaches
 * the others (through the cluster). The models of a configuration are its local models in use and
 * its {@code local} large models, each known by its name and by its reference.
 */
final class ModelPlacement implements AutoCloseable {
    private final RouterConfig config;
    private final Map<String, LocalModel> held = new LinkedHashMap<>();

    private ModelPlacement(RouterConfig config) {
        this.config = config;
    }

    /** Every model of the configuration: name to its settings. */
    static Map<String, LocalModelConfig> models(RouterConfig config) {
        Map<String, LocalModelConfig> out = new LinkedHashMap<>();
        config.modelsInUse().forEach(m -> out.put(m.name(), m));
        for (LargeModelConfig l : config.largeModels()) {
            if (l instanceof LargeModelConfig.Local local) {
                out.putIfAbsent(local.name(), local.model().withName(local.name()));
            }
        }
        return out;
    }

    /**
     * Loads the models named in {@code wanted} (names or references; empty: all of them), blocking for
     * seconds each. An unknown name is an error that lists the known ones.
     */
    static ModelPlacement load(RouterConfig config, List<String> wanted, ModelStore store) {
        Map<String, LocalModelConfig> all = models(config);
        List<LocalModelConfig> chosen = new ArrayList<>();
        if (wanted.isEmpty()) {
            chosen.addAll(all.values());
        }
        for (String w : wanted) {
            chosen.add(all.values().stream().filter(m -> m.name().equals(w) || m.ref().equals(w)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("--models " + w + ": the router configuration has no such model; its models are "
                            + String.join(", ", all.keySet()))));
        }
        ModelPlacement placement = new ModelPlacement(config);
        try {
            for (LocalModelConfig m : chosen) {
                if (!placement.held.containsKey(m.name())) {
                    placement.held.put(m.name(), LocalModel.load(store.resolve(m.ref()), m.options()));
                }
            }
        } catch (RuntimeException e) {
            placement.close();
            throw e;
        }
        return placement;
    }

    static ModelPlacement none(RouterConfig config) {
        return new ModelPlacement(config);
    }

    /** Name to model, of the models loaded on this node. */
    Map<String, LocalModel> held() {
        return held;
    }

    /**
     * Gives the router every model of the configuration: the ones held here as they are, the others as
     * {@link RemoteModel}s over the cluster's event bus, which it returns.
     */
    List<RemoteModel> supply(CascadeRouter.Builder router, Vertx vertx, NodeDepartures departures) {
        List<RemoteModel> remote = new ArrayList<>();
        Set<String> largeNames = new HashSet<>();
        config.largeModels().forEach(l -> largeNames.add(l.name()));
        for (Map.Entry<String, LocalModelConfig> e : models(config).entrySet()) {
            LocalModelConfig m = e.getValue();
            LocalModel model = held.get(e.getKey());
            if (model == null) {
                RemoteModel reached = RemoteModel.builder(vertx, e.getKey()).departures(departures)
                        .parallelSequences(m.options().parallelSequences()).contextPerSequence(m.options().contextPerSequence()).build();
                remote.add(reached);
                model = reached;
            }
            if (largeNames.contains(e.getKey())) {
                router.largeModel(e.getKey(), LocalChatModel.builder().model(model).build());
            } else {
                router.localModel(m.ref(), model);
            }
        }
        return remote;
    }

    /** The configuration with every local model's threads set to {@code threads}. */
    static RouterConfig withThreads(RouterConfig config, int threads) {
        RouterConfig.Builder b = config.toBuilder().clearLocalModels().clearLargeModels();
        config.localModels().forEach(m -> b.localModel(m.withOptions(m.options().withThreads(threads))));
        for (LargeModelConfig l : config.largeModels()) {
            b.largeModel(l instanceof LargeModelConfig.Local local
                    ? new LargeModelConfig.Local(local.name(), local.model().withOptions(local.model().options().withThreads(threads)))
                    : l);
        }
        return b.build();
    }

    @Override
    public void close() {
        held.values().forEach(LocalModel::close);
    }
}
