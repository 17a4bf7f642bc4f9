package dev.cascade4j.tools.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Requires {@code Authorization: Bearer <key>} with one of the configured keys. Keys are compared as
 * SHA-256 digests with {@link MessageDigest#isEqual}, so neither the content nor the length of a key
 * leaks through timing; every configured key is checked, match or not.
 */
final class ApiKeyHandler implements Handler<RoutingContext> {
    private final List<byte[]> digests;

    ApiKeyHandler(List<String> keys) {
        this.digests = keys.stream().map(ApiKeyHandler::sha256).toList();
    }

    @Override
    public void handle(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            ctx.fail(ApiError.unauthorized("missing API key: send the header 'Authorization: Bearer <key>'"));
            return;
        }
        byte[] presented = sha256(header.substring(7).trim());
        boolean match = false;
        for (byte[] d : digests) {
            match |= MessageDigest.isEqual(d, presented);
        }
        if (match) {
            ctx.next();
        } else {
            ctx.fail(ApiError.unauthorized("the API key is not valid for this server"));
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
