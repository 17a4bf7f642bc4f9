package dev.cascade4j.router.config;

import dev.cascade4j.inference.source.ModelCatalog;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Everything the router needs to know: routes, how local models are served, the large models it may
 * escalate to, and how the classifier works. Load one with {@link #load(Path)} (YAML or JSON), use the
 * embedded {@link #defaults()}, or build one with {@link #builder()}. The keys are documented in
 * {@code docs/router-config.md}.
 *
 * @param defaultModel local model used when no route applies and no large model is configured
 */
public record RouterConfig(
        String defaultModel,
        List<Route> routes,
        List<LocalModelConfig> localModels,
        List<LargeModelConfig> largeModels,
        ClassifierConfig classifier,
        EscalationConfig escalation) {

    /** The small model of the embedded default cascade. */
    public static final String DEFAULT_MODEL = ModelCatalog.DEFAULT_SLM;
    /** Classpath resource holding the embedded default configuration. */
    public static final String DEFAULT_RESOURCE = "/dev/cascade4j/router/default-router.yaml";

    public RouterConfig {
        defaultModel = defaultModel == null ? DEFAULT_MODEL : defaultModel;
        routes = List.copyOf(routes);
        localModels = localModels == null ? List.of() : List.copyOf(localModels);
        largeModels = largeModels == null ? List.of() : List.copyOf(largeModels);
        classifier = classifier == null ? ClassifierConfig.DEFAULTS : classifier;
        escalation = escalation == null ? EscalationConfig.DEFAULTS : escalation;
        String problem = crossCheck(routes, localModels, largeModels, escalation);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** The first inconsistency between sections, or {@code null}. */
    static String crossCheck(List<Route> routes, List<LocalModelConfig> localModels, List<LargeModelConfig> largeModels,
                             EscalationConfig escalation) {
        if (routes.isEmpty()) {
            return "at least one route is needed";
        }
        Set<String> names = new HashSet<>();
        for (Route r : routes) {
            if (!names.add(r.name())) {
                return "route name '" + r.name() + "' is used twice";
            }
        }
        Set<String> large = new HashSet<>();
        for (LargeModelConfig m : largeModels) {
            if (!large.add(m.name())) {
                return "large model name '" + m.name() + "' is used twice";
            }
        }
        Set<String> localNames = new HashSet<>();
        for (LocalModelConfig m : localModels) {
            if (!localNames.add(m.name()) || names.contains(m.name())) {
                return "local model name '" + m.name() + "' is used twice or is also a route name";
            }
        }
        // Escalation targets may also be ChatModels handed to the router's builder: it checks them.
        return null;
    }

    /**
     * The embedded default configuration: a two-tier cascade on one machine, five routes on
     * Qwen2.5-Coder-0.5B-Instruct escalating to Qwen2.5-Coder-1.5B-Instruct in the same JVM.
     */
    public static RouterConfig defaults() {
        return parse(defaultsText(), "embedded default-router.yaml");
    }

    /** The YAML text of the embedded default configuration. */
    public static String defaultsText() {
        try (InputStream in = RouterConfig.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("embedded configuration " + DEFAULT_RESOURCE + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read embedded configuration " + DEFAULT_RESOURCE, e);
        }
    }

    /** Reads a YAML ({@code .yaml}, {@code .yml}) or JSON file. */
    public static RouterConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new RouterConfigException(file.toString(), 0, 0, null, "cannot read the file (" + e.getMessage() + ")");
        }
        return parse(text, file.toString());
    }

    /** Parses YAML or JSON text (JSON is YAML); {@code sourceName} appears in error messages. */
    public static RouterConfig parse(String text, String sourceName) {
        return RouterConfigReader.read(text, sourceName);
    }

    /** The serving settings of a local model: as configured, or the defaults. */
    public LocalModelConfig localModel(String ref) {
        return localModels.stream().filter(m -> m.ref().equals(ref)).findFirst().orElseGet(() -> LocalModelConfig.of(ref));
    }

    /** Every distinct local model the routes and the default need, each once, in first-use order. */
    public List<LocalModelConfig> modelsInUse() {
        Map<String, LocalModelConfig> out = new LinkedHashMap<>();
        for (Route r : routes) {
            out.computeIfAbsent(r.model(), this::localModel);
        }
        out.computeIfAbsent(defaultModel, this::localModel);
        if (classifier.secondOpinion()) {
            out.computeIfAbsent(classifier.secondOpinionModel(), this::localModel);
        }
        for (LocalModelConfig m : localModels) {
            out.putIfAbsent(m.ref(), m);
        }
        return List.copyOf(out.values());
    }

    /**
     * The same routes, classifier and thresholds with every local model (routes, default, second
     * opinion, serving settings) replaced by {@code modelRef}: the default routes on a model of your choice.
     */
    public RouterConfig withSlm(String modelRef) {
        Builder b = toBuilder().defaultModel(modelRef).clearRoutes().clearLocalModels();
        for (Route r : routes) {
            b.route(r.toBuilder().model(modelRef).build());
        }
        if (!localModels.isEmpty()) {
            LocalModelConfig first = localModels.getFirst();
            b.localModel(new LocalModelConfig(modelRef, null, first.maxInFlight(), first.options()));
        }
        return b.classifier(classifier.withSecondOpinionModel(modelRef)).build();
    }

    /** The same configuration with no large model: escalations come back as the SLM's answer marked as a fallback. */
    public RouterConfig withoutLargeModels() {
        return toBuilder().clearLargeModels().escalation(escalation.withDefaultTarget(null)).build();
    }

    public Route route(String name) {
        return routes.stream().filter(r -> r.name().equals(name)).findFirst().orElse(null);
    }

    public LargeModelConfig largeModel(String name) {
        return largeModels.stream().filter(m -> m.name().equals(name)).findFirst().orElse(null);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder().defaultModel(defaultModel).classifier(classifier).escalation(escalation);
        routes.forEach(b::route);
        localModels.forEach(b::localModel);
        largeModels.forEach(b::largeModel);
        return b;
    }

    public static final class Builder {
        private String defaultModel = DEFAULT_MODEL;
        private final List<Route> routes = new ArrayList<>();
        private final List<LocalModelConfig> localModels = new ArrayList<>();
        private final List<LargeModelConfig> largeModels = new ArrayList<>();
        private ClassifierConfig classifier = ClassifierConfig.DEFAULTS;
        private EscalationConfig escalation = EscalationConfig.DEFAULTS;

        public Builder defaultModel(String ref) {
            this.defaultModel = Objects.requireNonNull(ref);
            return this;
        }

        public Builder route(Route route) {
            routes.removeIf(r -> r.name().equals(route.name()));
            routes.add(route);
            return this;
        }

        public Builder clearRoutes() {
            routes.clear();
            return this;
        }

        public Builder localModel(LocalModelConfig model) {
            localModels.removeIf(m -> m.ref().equals(model.ref()));
            localModels.add(model);
            return this;
        }

        public Builder largeModel(LargeModelConfig model) {
            largeModels.removeIf(m -> m.name().equals(model.name()));
            largeModels.add(model);
            return this;
        }

        public Builder clearLocalModels() {
            this.localModels.clear();
            return this;
        }

        public Builder clearLargeModels() {
            largeModels.clear();
            return this;
        }

        public Builder classifier(ClassifierConfig classifier) {
            this.classifier = classifier;
            return this;
        }

        public Builder escalation(EscalationConfig escalation) {
            this.escalation = escalation;
            return this;
        }

        /** Sets the default escalation target (a large model's name). */
        public Builder escalateTo(String largeModelName) {
            this.escalation = escalation.withDefaultTarget(largeModelName);
            return this;
        }

        public RouterConfig build() {
            return new RouterConfig(defaultModel, routes, localModels, largeModels, classifier, escalation);
        }
    }
}
