package dev.cascade4j.tools.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class ResponseCacheKeyTest {
    @Test
    void keyIgnoresKeyOrderWhitespaceAndDeliveryFields() {
        String a = ResponseCache.key(Http.parse("""
                {"model":"auto","messages":[{"role":"user","content":"hi"}],"temperature":0,"stream":true,
                 "stream_options":{"include_usage":true},"user":"u1","response_format":{"type":"json_schema","json_schema":{"schema":{"b":1,"a":2}}}}"""));
        String b = ResponseCache.key(Http.parse("""
                {"response_format":{"json_schema":{"schema":{"a":2,"b":1}},"type":"json_schema"},
                   "temperature":0,"messages":[{"content":"hi","role":"user"}],"model":"auto"}"""));
        assertEquals(a, b);
        assertEquals("{\"messages\":[{\"content\":\"hi\",\"role\":\"user\"}],\"model\":\"auto\",\"response_format\":"
                + "{\"json_schema\":{\"schema\":{\"a\":2,\"b\":1}},\"type\":\"json_schema\"},\"temperature\":0}", b);
    }

    @Test
    void anythingThatChangesTheAnswerChangesTheKey() {
        String base = ResponseCache.key(Http.parse("{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"seed\":1}"));
        assertNotEquals(base, ResponseCache.key(Http.parse("{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"seed\":2}")));
        assertNotEquals(base, ResponseCache.key(Http.parse("{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"seed\":1}")));
        assertNotEquals(base, ResponseCache.key(Http.parse("{\"model\":\"x\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"seed\":1}")));
    }
}
