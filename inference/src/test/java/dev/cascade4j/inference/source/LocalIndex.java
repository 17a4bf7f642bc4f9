package dev.cascade4j.inference.source;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A package index on 127.0.0.1 serving the wheels of a folder through the PEP 691 JSON simple API, so
 * that the real direct download runs offline. {@code tamper} may change a wheel's listed SHA-256.
 */
final class LocalIndex implements AutoCloseable {
    private final HttpServer server;
    private final Path wheels;
    private final UnaryOperator<String> tamper;
    final List<String> requests = new ArrayList<>();

    LocalIndex(Path wheels, UnaryOperator<String> tamper) throws IOException {
        this.wheels = wheels;
        this.tamper = tamper;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    URI simple() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/simple/");
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        synchronized (requests) {
            requests.add(path + " Accept: " + ex.getRequestHeaders().getFirst("Accept"));
        }
        byte[] body;
        String type;
        if (path.startsWith("/simple/")) {
            String project = path.substring("/simple/".length()).replace("/", "");
            StringBuilder files = new StringBuilder();
            try (var list = Files.list(wheels)) {
                for (Path w : list.filter(p -> p.toString().endsWith(".whl")).sorted().toList()) {
                    String name = w.getFileName().toString();
                    if (PypiIndex.normalize(name.substring(0, name.indexOf('-'))).equals(project)) {
                        files.append(files.isEmpty() ? "" : ",").append("""
                                {"filename":"%s","url":"../../files/%s","hashes":{"sha256":"%s"}}""".formatted(
                                name, name, tamper.apply(FileDigest.sha256Hex(w))));
                    }
                }
            }
            if (files.isEmpty()) {
                ex.sendResponseHeaders(404, -1);
                ex.close();
                return;
            }
            body = ("{\"meta\":{\"api-version\":\"1.1\"},\"name\":\"" + project + "\",\"files\":[" + files + "]}").getBytes(StandardCharsets.UTF_8);
            type = "application/vnd.pypi.simple.v1+json";
        } else if (path.startsWith("/files/") && Files.isRegularFile(wheels.resolve(path.substring("/files/".length())))) {
            body = Files.readAllBytes(wheels.resolve(path.substring("/files/".length())));
            type = "application/octet-stream";
        } else {
            ex.sendResponseHeaders(404, -1);
            ex.close();
            return;
        }
        ex.getResponseHeaders().add("Content-Type", type);
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
