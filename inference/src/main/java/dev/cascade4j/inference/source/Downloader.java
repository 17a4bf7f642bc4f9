package dev.cascade4j.inference.source;

import dev.cascade4j.inference.InferenceException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;

/**
 * HTTP downloads to a {@code .part} file that survives failures and is resumed with a Range request
 * the next time.
 */
public final class Downloader {
    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(20))
            .build();
    private final ProgressListener progress;

    public Downloader(ProgressListener progress) {
        this.progress = progress;
    }

    /** GETs a small document as text. */
    public String fetchText(URI uri, Map<String, String> headers) {
        try {
            HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60));
            headers.forEach(req::header);
            HttpResponse<String> resp = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
            if (resp.statusCode() != 200) {
                throw new InferenceException.ResourceUnavailable("GET " + uri + " answered HTTP " + resp.statusCode());
            }
            return resp.body();
        } catch (IOException e) {
            throw new InferenceException.ResourceUnavailable("cannot reach " + uri + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InferenceException.ResourceUnavailable("interrupted while fetching " + uri);
        }
    }

    /**
     * Downloads {@code uri} into {@code part}, resuming from its current length.
     *
     * @return the response headers of the last request
     */
    public HttpResponse<InputStream> download(URI uri, Path part, Map<String, String> headers, String what) {
        try {
            long have = Files.exists(part) ? Files.size(part) : 0;
            HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(30));
            headers.forEach(req::header);
            if (have > 0) {
                req.header("Range", "bytes=" + have + "-");
            }
            HttpResponse<InputStream> resp = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
            int status = resp.statusCode();
            if (status == 416 && have > 0) {
                resp.body().close();
                return resp; // already complete
            }
            if (status != 200 && status != 206) {
                resp.body().close();
                throw new InferenceException.ResourceUnavailable("GET " + uri + " answered HTTP " + status
                        + (status == 401 || status == 403 ? " (set HF_TOKEN for gated or private repositories)" : "")
                        + (status == 404 ? " (check the repository and file name)" : ""));
            }
            boolean resume = status == 206;
            long length = resp.headers().firstValueAsLong("Content-Length").orElse(-1);
            long total = length < 0 ? -1 : (resume ? have : 0) + length;
            progress.started(what, total);
            long written = resume ? have : 0;
            try (InputStream in = resp.body();
                 OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                         resume ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
                byte[] buf = new byte[1 << 16];
                int n;
                while ((n = in.read(buf)) > 0) {
                    out.write(buf, 0, n);
                    written += n;
                    progress.advanced(written);
                }
            }
            progress.finished();
            if (total > 0 && written != total) {
                throw new InferenceException.ResourceUnavailable("download of " + uri + " ended after " + written + " of " + total
                        + " bytes; run the same command again to resume");
            }
            return resp;
        } catch (IOException e) {
            throw new InferenceException.ResourceUnavailable("download of " + uri + " failed: " + e.getMessage()
                    + "; run the same command again to resume", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InferenceException.ResourceUnavailable("interrupted while downloading " + uri);
        }
    }
}
