package dev.cascade4j.inference.internal.source;

import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.inference.source.ProgressListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * HTTP downloads to a {@code .part} file that survives failures and is resumed with a Range request
 * the next time. Redirects are followed here rather than by the client so that the headers of every
 * hop stay visible (the Hub puts a file's SHA-256 on its redirect, not on the CDN's answer) and so that
 * credentials are not sent on to another host.
 */
public final class Downloader {
    private static final int MAX_REDIRECTS = 10;

    private final HttpClient http;
    private final ProgressListener progress;

    public Downloader(ProgressListener progress) {
        this(progress, null);
    }

    /** @param ssl the TLS context to connect with (e.g. trusting a configured CA bundle); null for the JDK's default */
    public Downloader(ProgressListener progress, SSLContext ssl) {
        HttpClient.Builder b = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(20));
        if (ssl != null) {
            b.sslContext(ssl);
        }
        this.http = b.build();
        this.progress = progress;
    }

    /** The headers of each response on the way to the file, the redirects first. */
    public record Hops(List<HttpHeaders> headers) {
        /** The values of {@code name} on every hop, the earliest hop first. */
        public List<String> all(String name) {
            return headers.stream().flatMap(h -> h.allValues(name).stream()).toList();
        }
    }

    /** GETs a small document as text. */
    public String fetchText(URI uri, Map<String, String> headers) {
        try {
            HttpResponse<InputStream> resp = follow(uri, headers, new ArrayList<>(), Duration.ofSeconds(60));
            try (InputStream in = resp.body()) {
                if (resp.statusCode() != 200) {
                    throw new InferenceException.ResourceUnavailable("GET " + uri + " answered HTTP " + resp.statusCode());
                }
                return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new InferenceException.ResourceUnavailable("cannot reach " + uri + " (" + describe(e)
                    + "); check the network or proxy settings", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InferenceException.ResourceUnavailable("interrupted while fetching " + uri);
        }
    }

    /**
     * Downloads {@code uri} into {@code part}, resuming from its current length. On failure the part
     * file is kept so that the next call resumes.
     */
    public Hops download(URI uri, Path part, Map<String, String> headers, String what) {
        try {
            long have = Files.exists(part) ? Files.size(part) : 0;
            Map<String, String> request = new HashMap<>(headers);
            if (have > 0) {
                request.put("Range", "bytes=" + have + "-");
            }
            List<HttpHeaders> hops = new ArrayList<>();
            HttpResponse<InputStream> resp = follow(uri, request, hops, Duration.ofMinutes(30));
            int status = resp.statusCode();
            if (status == 416 && have > 0) {
                resp.body().close();
                return new Hops(hops); // the part file already holds the whole file
            }
            if (status != 200 && status != 206) {
                resp.body().close();
                throw new InferenceException.ResourceUnavailable("GET " + uri + " answered HTTP " + status
                        + (status == 401 || status == 403 ? "; set HF_TOKEN for gated or private repositories" : "")
                        + (status == 404 ? "; check the owner, repository, revision and file name" : ""));
            }
            // A server that ignores Range (200) or answers another range sends the file from the start.
            boolean resume = status == 206 && resp.headers().firstValue("Content-Range").orElse("").startsWith("bytes " + have + "-");
            long length = resp.headers().firstValueAsLong("Content-Length").orElse(-1);
            long total = length < 0 ? -1 : (resume ? have : 0) + length;
            long written = copy(resp, part, resume, resume ? have : 0, total, what);
            if (total > 0 && written != total) {
                throw new InferenceException.ResourceUnavailable("download of " + uri + " ended after " + written + " of " + total
                        + " bytes; run the same command again to resume");
            }
            return new Hops(hops);
        } catch (IOException e) {
            throw new InferenceException.ResourceUnavailable("download of " + uri + " failed (" + describe(e)
                    + "); run the same command again to resume", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InferenceException.ResourceUnavailable("interrupted while downloading " + uri);
        }
    }

    private long copy(HttpResponse<InputStream> resp, Path part, boolean append, long written, long total, String what) throws IOException {
        progress.started(what, total);
        try (InputStream in = resp.body();
             OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                written += n;
                progress.advanced(written);
            }
        } finally {
            progress.finished();
        }
        return written;
    }

    private HttpResponse<InputStream> follow(URI uri, Map<String, String> headers, List<HttpHeaders> hops, Duration timeout)
            throws IOException, InterruptedException {
        Map<String, String> current = new HashMap<>(headers);
        for (int i = 0; i <= MAX_REDIRECTS; i++) {
            HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(timeout);
            current.forEach(req::header);
            HttpResponse<InputStream> resp = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
            hops.add(resp.headers());
            Optional<String> location = resp.headers().firstValue("Location");
            if (resp.statusCode() / 100 != 3 || location.isEmpty()) {
                return resp;
            }
            resp.body().close();
            URI next = uri.resolve(location.get());
            if (!sameOrigin(uri, next)) {
                // Signed CDN links carry their own authorisation; a bearer token must not leak to them.
                current.remove("Authorization");
            }
            uri = next;
        }
        throw new IOException("more than " + MAX_REDIRECTS + " redirects");
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost()) && a.getPort() == b.getPort();
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
