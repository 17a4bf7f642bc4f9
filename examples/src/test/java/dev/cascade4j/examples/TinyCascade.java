package dev.cascade4j.examples;

import dev.cascade4j.router.config.RouterConfig;

/** The embedded routes on SmolLM2, the tiny model of the fast tests, with no large tier. */
final class TinyCascade {
    private TinyCascade() {
    }

    static RouterConfig config() {
        return RouterConfig.defaults().withSlm("smollm2-135m").withoutLargeModels();
    }
}
