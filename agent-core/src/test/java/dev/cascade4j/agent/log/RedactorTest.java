package dev.cascade4j.agent.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cascade4j.agent.internal.log.QueryLogJson;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedactorTest {
    private final Redactor all = Redactor.all();

    @Test
    void emails() {
        assertEquals("write to [EMAIL] or [EMAIL].", all.redact("write to jane.doe+tag@example.co.uk or x_y@mail-server.org."));
    }

    @Test
    void phones() {
        assertEquals("call [PHONE] or [PHONE] or [PHONE]",
                all.redact("call +1 415 555 2671 or (415) 555-2671 or +44 20 7946 0958"));
        assertEquals("office: [PHONE].", all.redact("office: 020 7946 0958."));
    }

    @Test
    void cardsMustPassLuhn() {
        assertEquals("card [CARD], again [CARD]", all.redact("card 4111 1111 1111 1111, again 5500-0000-0000-0004"));
        assertEquals("ref 4111111111111112", all.redact("ref 4111111111111112"));
        assertTrue(Redactor.luhn("378282246310005"));
        assertFalse(Redactor.luhn("378282246310006"));
    }

    @Test
    void apiKeysAndTokens() {
        assertEquals("key [SECRET] and [SECRET]", all.redact("key sk-proj-abcDEF1234567890xyzXYZ and AKIAIOSFODNN7EXAMPLE"));
        assertEquals("Authorization: Bearer [SECRET]", all.redact("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.abc.def"));
        assertEquals("secret [SECRET] end", all.redact("secret 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 end"));
        assertEquals("aws [SECRET]", all.redact("aws wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY12"));
        assertEquals("gh [SECRET]", all.redact("gh ghp_1234567890abcdefghijABCDEFGHIJ123456"));
    }

    @Test
    void ordinaryNumbersWordsAndDatesAreKept() {
        String text = "Order 12345 costs 1299.99 USD, shipped 2024-01-15 at 10:30; version 1.2.3, IP 192.168.1.100, "
                + "pi 3.14159265358979, population 8,336,817, count 1000000, zip 94103, year 1999, isbn 978-3-16-148410-0, "
                + "id 550e8400-e29b-41d4-a716-446655440000, path /usr/local/share/cascade4j/queries, word supercalifragilisticexpialidocious";
        assertEquals(text, all.redact(text));
    }

    @Test
    void eachKindCanBeSwitchedOff() {
        Redactor onlyEmail = Redactor.of(EnumSet.of(Redactor.Kind.EMAIL));
        assertEquals("[EMAIL] +1 415 555 2671 4111 1111 1111 1111 sk-proj-abcDEF1234567890xyzXYZ",
                onlyEmail.redact("a@b.io +1 415 555 2671 4111 1111 1111 1111 sk-proj-abcDEF1234567890xyzXYZ"));
        assertEquals("a@b.io", Redactor.NONE.redact("a@b.io"));
        assertEquals(EnumSet.of(Redactor.Kind.CARD, Redactor.Kind.SECRET), Redactor.parse("card, secret").kinds());
        assertEquals(EnumSet.allOf(Redactor.Kind.class), Redactor.parse("all").kinds());
        assertEquals(EnumSet.noneOf(Redactor.Kind.class), Redactor.parse("none").kinds());
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Redactor.parse("email,ssn"));
        assertTrue(e.getMessage().contains("'ssn'"), e.getMessage());
    }

    @Test
    void toolArgumentsStayValidJson() throws Exception {
        String args = "{\"email\":\"bob@corp.com\",\"card\":4111111111111111,\"n\":42,\"items\":[\"call +1 415 555 2671\"]}";
        JsonNode out = QueryLogJson.MAPPER.readTree(all.redactJsonText(args));
        assertEquals("[EMAIL]", out.get("email").asText());
        assertEquals("[CARD]", out.get("card").asText());
        assertEquals(42, out.get("n").asInt());
        assertEquals("call [PHONE]", out.get("items").get(0).asText());
        assertEquals("{\"n\":42}", all.redactJsonText("{\"n\":42}"));
    }

    @Test
    void everyTextFieldOfARecordIsRedacted() {
        QueryRecord r = QueryRecord.from(SampleRecords.conversation("r-1", Instant.now()));
        QueryRecord.Request req = new QueryRecord.Request(List.of(
                new QueryRecord.Message("user", "I am ann@x.org", List.of(), null, null),
                new QueryRecord.Message("assistant", "", List.of(new QueryRecord.Call("c", "pay", "{\"card\":\"4111 1111 1111 1111\"}")), null, null)),
                r.request().tools(), null, null);
        QueryRecord dirty = new QueryRecord(r.id(), r.time(), r.route(), r.classifierConfidence(), r.generationConfidence(), r.model(), req,
                new QueryRecord.Answer("mail ann@x.org", List.of(), "STOP", 0.5, 1, 1, 1), false, "NONE", "detail sk-abcdefghijklmnop1234", false,
                new QueryRecord.Answer("", List.of(new QueryRecord.Call("c", "call", "{\"phone\":\"+1 415 555 2671\"}")), "TOOL_CALLS", 1.0, 1, 1, 1),
                1, 1, 1, 1, new QueryRecord.Feedback(QueryRecord.Rating.BAD, "use ann@x.org", Instant.now()));
        String json = QueryLogJson.write(all.redact(dirty));
        assertFalse(json.contains("ann@x.org"), json);
        assertFalse(json.contains("4111"), json);
        assertFalse(json.contains("415 555"), json);
        assertFalse(json.contains("sk-abc"), json);
        QueryRecord clean = QueryLogJson.readRecord(json);
        assertEquals("I am [EMAIL]", clean.request().messages().get(0).content());
        assertEquals("{\"card\":\"[CARD]\"}", clean.request().messages().get(1).toolCalls().get(0).arguments());
        assertEquals("{\"phone\":\"[PHONE]\"}", clean.teacherAnswer().toolCalls().get(0).arguments());
        assertEquals("use [EMAIL]", clean.feedback().correction());
        assertEquals("detail [SECRET]", clean.detail());
    }
}
