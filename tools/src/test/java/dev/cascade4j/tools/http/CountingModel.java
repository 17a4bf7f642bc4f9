package dev.cascade4j.tools.http;

import dev.cascade4j.inference.Generation;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.LocalModel;
import dev.cascade4j.inference.ModelInfo;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A real local model, watched: how many requests reached it, and every generation it started. */
final class CountingModel implements LocalModel {
    private final LocalModel model;
    final AtomicInteger submitted = new AtomicInteger();
    final List<CompletableFuture<GenerationResult>> generations = new CopyOnWriteArrayList<>();

    CountingModel(LocalModel model) {
        this.model = model;
    }

    @Override
    public ModelInfo info() {
        return model.info();
    }

    @Override
    public Generation submit(GenerationRequest request) {
        submitted.incrementAndGet();
        Generation g = model.submit(request);
        generations.add(g.result());
        return g;
    }

    @Override
    public int countTokens(String text) {
        return model.countTokens(text);
    }

    @Override
    public void close() {
        model.close();
    }
}
