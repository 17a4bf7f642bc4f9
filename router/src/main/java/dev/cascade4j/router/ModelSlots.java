package dev.cascade4j.router;

import dev.cascade4j.inference.LocalModel;
import dev.cascade4j.inference.source.ModelStore;
import dev.cascade4j.router.config.LocalModelConfig;
import dev.cascade4j.router.config.RouterConfig;
import dev.cascade4j.router.internal.metrics.RouterMetrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The local models a router uses, by reference and by name, each with its in-flight bound. */
final class ModelSlots implements AutoCloseable {
    private final Map<String, ModelSlot> byRef = new LinkedHashMap<>();
    private final Map<String, ModelSlot> byName = new LinkedHashMap<>();

    /**
     * Loads every model the configuration uses that was not given already loaded (blocking: seconds
     * each). On a failure the models loaded here are freed again.
     */
    ModelSlots(RouterConfig config, Map<String, LocalModel> given, ModelStore store, RouterMetrics metrics) {
        List<LocalModel> loadedHere = new ArrayList<>();
        try {
            for (LocalModelConfig m : config.modelsInUse()) {
                LocalModel borrowed = given.get(m.ref());
                LocalModel model = borrowed != null ? borrowed : LocalModel.load(store.resolve(m.ref()), m.options());
                if (borrowed == null) {
                    loadedHere.add(model);
                }
                ModelSlot slot = new ModelSlot(m.name(), m.ref(), model, borrowed == null, m.maxInFlight());
                byRef.put(m.ref(), slot);
                byName.put(m.name(), slot);
                byName.putIfAbsent(m.ref(), slot);
                metrics.inFlight(m.name(), slot::inFlight);
            }
        } catch (RuntimeException e) {
            loadedHere.forEach(LocalModel::close);
            throw e;
        }
    }

    /** The slot of a model reference; {@code null} when the configuration does not use it. */
    ModelSlot byRef(String ref) {
        return byRef.get(ref);
    }

    /** The slot of a model name or reference; {@code null} when unknown. */
    ModelSlot byName(String name) {
        return byName.get(name);
    }

    List<String> names() {
        return byRef.values().stream().map(s -> s.name).toList();
    }

    /** Frees the models loaded here; borrowed ones stay with their owner. */
    @Override
    public void close() {
        byRef.values().stream().filter(s -> s.owned).forEach(s -> s.model.close());
    }
}
