package dev.cascade4j.tools.http;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.List;

/**
 * The one way a request body becomes JSON: strictly, as one value and nothing after it, with no key
 * twice (a duplicate would leave the server and a proxy in front of it disagreeing about the request).
 * Every failure is a 400 {@code invalid_json} that says what is wrong in JSON's terms, with the line and
 * column when the parser knows them; the parser's own wording about its classes and settings stays out.
 */
final class RequestJson {
    private static final System.Logger LOG = System.getLogger(RequestJson.class.getName());
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    // Where the parser starts talking about itself: its settings, its classes, its input source.
    private static final List<String> CLAUSE_CUTS = List.of("`", "Feature");
    private static final List<String> CLEAN_CUTS = List.of(" [Source", " (start marker", " (for ", "\n");

    private RequestJson() {
    }

    /** The body as JSON, or {@code null} when there is none. */
    static JsonNode parse(Buffer body) {
        if (body == null || body.length() == 0) {
            return null;
        }
        try {
            return STRICT.readTree(body.getBytes());
        } catch (StreamConstraintsException e) {
            throw invalid(limit(e.getOriginalMessage()), null);
        } catch (MismatchedInputException e) {
            // The only mismatch a tree read can meet: something after the first value.
            throw invalid("there is more after the first JSON value; send exactly one JSON object", e.getLocation());
        } catch (JsonProcessingException e) {
            throw invalid(clientText(e.getOriginalMessage()), e.getLocation());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "request body unreadable", e);
            throw invalid("the bytes are not text in a JSON encoding; send UTF-8", null);
        }
    }

    private static ApiError invalid(String what, JsonLocation at) {
        String where = at == null || at.getLineNr() < 1 ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        return ApiError.invalid(null, "invalid_json", "the request body is not valid JSON: " + what + where);
    }

    private static String limit(String message) {
        String m = message == null ? "" : message;
        if (m.contains("nesting depth")) {
            return "it nests arrays and objects more than 1000 levels deep";
        }
        if (m.contains("Number value length")) {
            return "a number has more than 1000 digits";
        }
        if (m.contains("String value length")) {
            return "a string is longer than the parser allows";
        }
        if (m.contains("Name length")) {
            return "a key is longer than the parser allows";
        }
        return "it is larger than the parser allows";
    }

    /** The parser's message up to where it starts naming its own settings or classes. */
    static String clientText(String message) {
        if (message == null || message.isBlank()) {
            return "malformed";
        }
        String m = message;
        for (String cut : CLEAN_CUTS) {
            int i = m.indexOf(cut);
            if (i >= 0) {
                m = m.substring(0, i);
            }
        }
        for (String cut : CLAUSE_CUTS) {
            int i = m.indexOf(cut);
            if (i >= 0) {
                String head = m.substring(0, i);
                int clause = Math.max(head.lastIndexOf(": "), Math.max(head.lastIndexOf(" ("), head.lastIndexOf("; ")));
                m = clause > 0 ? head.substring(0, clause) : "malformed";
            }
        }
        return m.strip();
    }
}
