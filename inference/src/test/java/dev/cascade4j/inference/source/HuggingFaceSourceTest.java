package dev.cascade4j.inference.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.inference.internal.source.Downloader;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Hub source against a local HTTP server shaped like the Hub: a resolve URL that redirects to a
 * CDN with the file's SHA-256 as X-Linked-Etag, and a CDN that honours Range.
 */
class HuggingFaceSourceTest {
    private static final byte[] FILE = gguf(300_000);
    private static final String SHA = sha256(FILE);

    @TempDir
    Path cache;

    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger cutAfter = new AtomicInteger(-1);
    private volatile String advertisedSha = SHA;
    private volatile String seenAuthorizationAtCdn;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/owner/repo/resolve/main/", this::resolve);
        server.createContext("/cdn/", this::cdn);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private ModelStore store() {
        URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        return new ModelStore(cache, new HuggingFaceSource(endpoint, "hf_secret", new Downloader(ProgressListener.NONE)),
                new PypiSource(ProgressListener.NONE));
    }

    @Test
    void downloadsVerifiesAndCaches() throws Exception {
        Path file = store().resolve("hf://owner/repo/model.gguf");

        assertArrayEquals(FILE, Files.readAllBytes(file));
        assertEquals(SHA, store().list().getFirst().sha256());
        int before = requests.size();
        assertEquals(file, store().resolve("hf://owner/repo/model.gguf"));
        assertEquals(before, requests.size(), "a cached model is not fetched again");
        assertNull(seenAuthorizationAtCdn, "the Hub token must not be sent to another origin");
    }

    @Test
    void resumesAnInterruptedDownload() throws Exception {
        cutAfter.set(100_000);
        var first = assertThrows(InferenceException.ResourceUnavailable.class, () -> store().resolve("hf://owner/repo/model.gguf"));
        assertTrue(first.getMessage().contains("run the same command again to resume"), first.getMessage());

        cutAfter.set(-1);
        Path file = store().resolve("hf://owner/repo/model.gguf");

        assertArrayEquals(FILE, Files.readAllBytes(file));
        assertTrue(requests.stream().anyMatch(r -> r.startsWith("/cdn/model.gguf bytes=")), "the second request asks for a range: " + requests);
    }

    @Test
    void aChecksumMismatchDeletesTheDownloadAndSaysSo() throws IOException {
        advertisedSha = "0".repeat(64);

        var e = assertThrows(InferenceException.ResourceUnavailable.class, () -> store().resolve("hf://owner/repo/model.gguf"));

        assertTrue(e.getMessage().contains("SHA-256") && e.getMessage().contains("deleted"), e.getMessage());
        try (var files = Files.walk(cache)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".gguf") || p.getFileName().toString().endsWith(".part")));
        }
    }

    @Test
    void aMissingFileNamesWhatToCheck() {
        var e = assertThrows(InferenceException.ResourceUnavailable.class, () -> store().resolve("hf://owner/repo/absent.gguf"));

        assertTrue(e.getMessage().contains("404") && e.getMessage().contains("check the owner, repository, revision and file name"), e.getMessage());
    }

    @Test
    void unknownReferencesAreRejectedWithTheAcceptedForms() {
        var e = assertThrows(InferenceException.InvalidRequest.class, () -> ModelRef.parse("ftp://somewhere/model.gguf"));

        assertTrue(e.getMessage().contains("hf://") && e.getMessage().contains("pypi:"), e.getMessage());
    }

    private void resolve(HttpExchange ex) throws IOException {
        requests.add(ex.getRequestURI().getPath());
        String file = ex.getRequestURI().getPath().substring("/owner/repo/resolve/main/".length());
        if (!file.equals("model.gguf")) {
            ex.sendResponseHeaders(404, -1);
            ex.close();
            return;
        }
        ex.getResponseHeaders().add("Location", "http://localhost:" + server.getAddress().getPort() + "/cdn/" + file);
        ex.getResponseHeaders().add("X-Linked-Etag", "\"" + advertisedSha + "\"");
        ex.sendResponseHeaders(302, -1);
        ex.close();
    }

    private void cdn(HttpExchange ex) throws IOException {
        seenAuthorizationAtCdn = ex.getRequestHeaders().getFirst("Authorization");
        String range = ex.getRequestHeaders().getFirst("Range");
        requests.add(ex.getRequestURI().getPath() + (range == null ? "" : " " + range));
        int from = range == null ? 0 : Integer.parseInt(range.substring("bytes=".length(), range.indexOf('-')));
        if (from > 0) {
            ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (FILE.length - 1) + "/" + FILE.length);
        }
        ex.sendResponseHeaders(from > 0 ? 206 : 200, FILE.length - from);
        int cut = cutAfter.get();
        // A cut connection: part of the announced body, then the exchange closes under the client.
        OutputStream out = ex.getResponseBody();
        out.write(FILE, from, cut < 0 ? FILE.length - from : Math.min(cut, FILE.length - from));
        out.flush();
        ex.close();
    }

    private static byte[] gguf(int size) {
        byte[] bytes = new byte[size];
        new Random(42).nextBytes(bytes);
        System.arraycopy("GGUF".getBytes(StandardCharsets.US_ASCII), 0, bytes, 0, 4);
        return bytes;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
