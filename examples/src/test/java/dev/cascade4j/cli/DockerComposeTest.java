package dev.cascade4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cascade4j.cli.ClusterTopology.Node;
import dev.cascade4j.router.config.LargeModelConfig;
import dev.cascade4j.router.config.LocalModelConfig;
import dev.cascade4j.router.config.Route;
import dev.cascade4j.router.config.RouterConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * docker-compose.yml deploys {@link ClusterTopology#DOCKER_COMPOSE}: the nodes, their roles, how they
 * find each other, what they publish, check, wait for and keep, and what they load; the Dockerfile
 * builds what it runs, and README documents every variable it reads.
 */
class DockerComposeTest {
    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent();
    private static final ClusterTopology TOPOLOGY = ClusterTopology.DOCKER_COMPOSE;
    private static final String API_KEY = "compose-test-key";

    private static ComposeFile compose;
    private static Map<String, String> dockerfileEnv;
    private static Map<String, String> dockerfileCopies;
    private static String dockerfile;

    @BeforeAll
    static void read() throws IOException {
        compose = ComposeFile.read(ROOT.resolve("docker-compose.yml"), Map.of("CASCADE4J_API_KEY", API_KEY));
        dockerfileEnv = new LinkedHashMap<>();
        dockerfileCopies = new LinkedHashMap<>();
        dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        for (String line : dockerfile.lines().toList()) {
            String[] words = line.strip().split("\\s+");
            if (words[0].equals("ENV") && words.length == 2 && words[1].contains("=")) {
                dockerfileEnv.put(words[1].substring(0, words[1].indexOf('=')), words[1].substring(words[1].indexOf('=') + 1));
            } else if (words[0].equals("COPY") && words.length == 3) {
                dockerfileCopies.put(words[2], words[1]);
            }
        }
    }

    @Test
    void theServicesAreTheTopologysNodesPostgresAndTheOllamaProfile() {
        Set<String> expected = new TreeSet<>(TOPOLOGY.names());
        expected.addAll(List.of("postgres", "ollama", "ollama-pull"));
        assertEquals(expected, services());
        for (String service : services()) {
            List<String> profiles = compose.strings(service, "profiles");
            assertEquals(service.startsWith("ollama") ? List.of("ollama") : List.of(), profiles, service + "'s profiles");
        }
    }

    @Test
    void eachNodeRunsItsRolesOnTheClusteredEventBusUnderItsServiceName() {
        for (Node node : TOPOLOGY.nodes()) {
            String name = node.name();
            List<String> command = compose.strings(name, "command");
            assertEquals("serve", command.getFirst(), name);
            assertTrue(command.contains("--cluster"), name + " joins the cluster");
            assertEquals(String.join(",", node.roles()), compose.option(name, "--roles"), name + "'s roles");
            assertEquals(name, compose.option(name, "--cluster-host"), name + " binds and advertises its service name");
            assertEquals(name, compose.option(name, "--node-name"), name + " names itself in headers and the log");
            assertEquals(".", compose.service(name).path("build").asText(), name + " runs the image of the Dockerfile");
            assertEquals(node.runs("http"), node.runs("router"), name + ": http and router go together");
        }
        assertEquals(1, TOPOLOGY.withRole("http").size());
        assertEquals(1, TOPOLOGY.withRole("log").size());
        assertEquals(2, TOPOLOGY.withRole("model").size());
    }

    @Test
    void eachNodeListsEveryOtherNodeAsAClusterMember() {
        for (Node node : TOPOLOGY.nodes()) {
            Set<String> members = new TreeSet<>();
            for (String member : compose.option(node.name(), "--cluster-members").split(",")) {
                String[] hostPort = member.split(":");
                assertEquals(2, hostPort.length, node.name() + ": member '" + member + "' is host:port");
                assertTrue(TOPOLOGY.names().contains(hostPort[0]), node.name() + ": member '" + member + "' names no node of the file");
                assertEquals(compose.option(hostPort[0], "--cluster-port"), hostPort[1], node.name() + ": " + hostPort[0] + "'s member port");
                members.add(hostPort[0]);
            }
            Set<String> others = new TreeSet<>(TOPOLOGY.names());
            others.remove(node.name());
            assertEquals(others, members, node.name() + "'s --cluster-members");
        }
    }

    @Test
    void onlyTheHttpNodePublishesAPortAndItIsTheOneItServes() {
        Node http = TOPOLOGY.withRole("http").getFirst();
        for (String service : services()) {
            if (service.equals(http.name())) {
                String port = compose.option(service, "--port");
                assertEquals(List.of("8080:" + port), compose.strings(service, "ports"));
                assertEquals("0.0.0.0", compose.option(service, "--host"), "reachable from outside its container");
                assertEquals(API_KEY, compose.option(service, "--api-key"), "every interface, so behind the key");
            } else {
                assertEquals(List.of(), compose.strings(service, "ports"), service + " publishes no port");
            }
        }
    }

    @Test
    void everyLongRunningServiceHasAHealthCheckThatProbesIt() {
        for (String service : services()) {
            List<String> check = testOf(service);
            if (service.equals("ollama-pull")) {
                assertTrue(check.isEmpty(), "ollama-pull runs once and needs no check");
                continue;
            }
            assertFalse(check.isEmpty(), service + " has a health check");
        }
        for (Node node : TOPOLOGY.nodes()) {
            String check = String.join(" ", testOf(node.name()));
            if (node.runs("http")) {
                assertTrue(check.contains("curl -fsS http://localhost:" + compose.option(node.name(), "--port") + "/ready"), check);
            } else {
                String port = compose.option(node.name(), "--cluster-port");
                assertTrue(check.contains("/dev/tcp/" + node.name() + "/" + port), node.name() + " probes its member port: " + check);
            }
        }
        assertTrue(dockerfile.lines().anyMatch(l -> l.contains("apt-get install") && l.contains(" curl")), "the image has the curl the check runs");
    }

    @Test
    void theModelNodesTogetherServeEveryLocalModelOfTheEmbeddedConfiguration() {
        RouterConfig embedded = RouterConfig.defaults();
        Set<String> names = localModelNames(embedded);
        Set<String> served = new HashSet<>();
        for (Node node : TOPOLOGY.nodes()) {
            String models = compose.option(node.name(), "--models");
            if (!node.runs("model")) {
                assertEquals(null, models, node.name() + " loads no model");
                continue;
            }
            for (String model : models.split(",")) {
                assertTrue(names.contains(model), node.name() + " serves '" + model + "', which is not a model of the embedded configuration " + names);
                served.add(model);
            }
        }
        assertEquals(names, served, "a model no node serves leaves its routes without a model");
    }

    @Test
    void theDefaultRouterConfigurationIsTheEmbeddedOneCopiedIntoTheImage() {
        String embeddedSource = "router/src/main/resources" + RouterConfig.DEFAULT_RESOURCE;
        for (Node node : TOPOLOGY.nodes()) {
            String path = compose.option(node.name(), "--router-config");
            assertEquals(embeddedSource, dockerfileCopies.get(path), node.name() + "'s --router-config " + path + " is the embedded file");
        }
    }

    @Test
    void theOllamaConfigurationIsTheEmbeddedCascadeEscalatingToTheOllamaService() {
        Path file = ROOT.resolve("deploy/router-ollama.yaml");
        RouterConfig ollama = RouterConfig.load(file);
        RouterConfig embedded = RouterConfig.defaults();
        assertEquals(embedded.routes().stream().map(Route::name).toList(), ollama.routes().stream().map(Route::name).toList());
        for (Route route : embedded.routes()) {
            assertEquals(route, ollama.route(route.name()), "route " + route.name() + " differs from the embedded file's");
        }
        RouterConfig ollamaRest = ollama.withoutLargeModels();
        RouterConfig embeddedRest = embedded.withoutLargeModels();
        assertEquals(embeddedRest.defaultModel(), ollamaRest.defaultModel(), "defaultModel");
        assertEquals(embeddedRest.localModels(), ollamaRest.localModels(), "localModels");
        assertEquals(embeddedRest.classifier(), ollamaRest.classifier(), "classifier");
        assertEquals(embeddedRest.escalation(), ollamaRest.escalation(), "escalation, but for its target");
        LargeModelConfig.Ollama large = assertInstanceOf(LargeModelConfig.Ollama.class,
                ollama.largeModel(ollama.escalation().defaultTarget()));
        assertEquals("http://ollama:11434", large.baseUrl());
        assertEquals(List.of("pull", large.model()), compose.strings("ollama-pull", "command"), "ollama-pull fetches the model the configuration names");
        assertEquals("http://ollama:11434", compose.service("ollama-pull").path("environment").path("OLLAMA_HOST").asText());
        for (Node node : TOPOLOGY.nodes()) {
            assertTrue(compose.strings(node.name(), "volumes").contains("./deploy/router-ollama.yaml:/etc/cascade4j/router-ollama.yaml:ro"),
                    node.name() + " sees the Ollama configuration");
        }
        assertTrue(localModelNames(ollama).contains("qwen-0.5b"), "CASCADE4J_MODELS=qwen-0.5b, as README says for Ollama, names a model of it");
    }

    @Test
    void servicesStartAfterWhatTheyNeed() {
        Node http = TOPOLOGY.withRole("http").getFirst();
        Map<String, String> conditions = new LinkedHashMap<>();
        compose.service(http.name()).path("depends_on").properties().forEach(e -> conditions.put(e.getKey(), e.getValue().path("condition").asText()));
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("postgres", "service_healthy");
        TOPOLOGY.withRole("model").forEach(n -> expected.put(n.name(), "service_healthy"));
        expected.put("ollama-pull", "service_completed_successfully");
        assertEquals(expected, conditions, http.name() + " waits for the log's database, the models and, in the ollama profile, the pull");
        JsonNode pull = compose.service(http.name()).path("depends_on").path("ollama-pull");
        assertFalse(pull.path("required").asBoolean(true), "without the ollama profile the HTTP node starts anyway");
        assertEquals("service_healthy", compose.service("ollama-pull").path("depends_on").path("ollama").path("condition").asText());
        for (String service : services()) {
            compose.service(service).path("depends_on").properties().forEach(e -> {
                assertTrue(services().contains(e.getKey()), service + " depends on " + e.getKey() + ", which is no service");
                if (e.getValue().path("condition").asText().equals("service_healthy")) {
                    assertFalse(testOf(e.getKey()).isEmpty(), service + " waits for " + e.getKey() + " to be healthy, which has no check");
                }
                assertTrue(compose.service(e.getKey()).path("depends_on").path(service).isMissingNode(), "a cycle: " + service + " and " + e.getKey());
            });
        }
    }

    @Test
    void namedVolumesAreDeclaredUsedAndMountedWhereTheImageKeepsItsState() {
        Set<String> used = new TreeSet<>();
        for (String service : services()) {
            for (String volume : compose.strings(service, "volumes")) {
                String source = volume.substring(0, volume.indexOf(':'));
                if (source.startsWith(".") || source.startsWith("/")) {
                    assertTrue(Files.isRegularFile(ROOT.resolve(source)), service + " mounts " + source + ", which is not a file of the repository");
                } else {
                    used.add(source);
                }
            }
        }
        Set<String> declared = new TreeSet<>();
        compose.tree().path("volumes").fieldNames().forEachRemaining(declared::add);
        assertEquals(declared, used, "named volumes: declared and used");
        String cache = dockerfileEnv.get("CASCADE4J_CACHE_DIR");
        assertNotNull(cache, "the Dockerfile sets CASCADE4J_CACHE_DIR, where models pull puts the models");
        for (Node node : TOPOLOGY.withRole("model")) {
            assertTrue(compose.strings(node.name(), "volumes").contains("cascade4j-models:" + cache), node.name() + " keeps its models in the volume");
        }
        assertTrue(compose.strings("postgres", "volumes").contains("postgres-data:/var/lib/postgresql/data"));
        assertTrue(compose.strings("ollama", "volumes").contains("ollama-models:/root/.ollama"));
    }

    @Test
    void readmeDocumentsEveryVariableTheFileReads() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        int start = readme.indexOf("\n## Deploying with Docker Compose\n");
        assertTrue(start >= 0, "README has a section 'Deploying with Docker Compose'");
        int end = readme.indexOf("\n## ", start + 1);
        String section = readme.substring(start, end < 0 ? readme.length() : end);
        Set<String> documented = new TreeSet<>();
        Matcher row = Pattern.compile("(?m)^\\| `([A-Z0-9_]+)`").matcher(section);
        while (row.find()) {
            documented.add(row.group(1));
        }
        Set<String> read = compose.variables();
        assertTrue(documented.containsAll(read), "README's table lacks " + difference(read, documented));
        documented.remove("COMPOSE_PROFILES");    // compose's own
        assertEquals(read, documented, "README documents variables the file does not read");
    }

    @Test
    void serveAcceptsEveryNodesCommand() {
        for (Node node : TOPOLOGY.nodes()) {
            List<String> command = compose.strings(node.name(), "command");
            ServeCommand serve = new ServeCommand();
            new CommandLine(serve).parseArgs(command.subList(1, command.size()).toArray(String[]::new));
            Roles roles = Roles.parse(serve.roles, serve.cluster);
            assertEquals(node.runs("router"), roles.router(), node.name());
            assertEquals(node.runs("model"), roles.model(), node.name());
            assertEquals(node.runs("log"), roles.log(), node.name());
        }
    }

    @Test
    void dockerComposeAcceptsTheFile() throws Exception {
        assumeTrue(succeeds("docker", "info") && succeeds("docker", "compose", "version"), "no Docker engine with compose here");
        for (String profile : List.of("", "ollama")) {
            List<String> command = new ArrayList<>(List.of("docker", "compose", "-f", ROOT.resolve("docker-compose.yml").toString()));
            if (!profile.isEmpty()) {
                command.addAll(List.of("--profile", profile));
            }
            command.addAll(List.of("config", "-q"));
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().put("CASCADE4J_API_KEY", API_KEY);
            Process p = pb.start();
            String output = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "docker compose config did not finish");
            assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + output);
        }
    }

    private static Set<String> localModelNames(RouterConfig config) {
        Set<String> names = new TreeSet<>();
        config.localModels().stream().map(LocalModelConfig::name).forEach(names::add);
        config.largeModels().stream().filter(m -> m instanceof LargeModelConfig.Local).map(LargeModelConfig::name).forEach(names::add);
        return names;
    }

    private static List<String> testOf(String service) {
        List<String> out = new ArrayList<>();
        compose.service(service).path("healthcheck").path("test").forEach(t -> out.add(compose.interpolate(t.asText())));
        return out;
    }

    private static Set<String> services() {
        Set<String> out = new TreeSet<>();
        compose.tree().path("services").fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static Set<String> difference(Set<String> a, Set<String> b) {
        Set<String> out = new TreeSet<>(a);
        out.removeAll(b);
        return out;
    }

    private static boolean succeeds(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
