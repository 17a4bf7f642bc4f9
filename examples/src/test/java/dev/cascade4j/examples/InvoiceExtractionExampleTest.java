package dev.cascade4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade4j.agent.CascadeChatModel;
import dev.cascade4j.examples.InvoiceExtractionExample.Document;
import dev.cascade4j.examples.InvoiceExtractionExample.Extraction;
import dev.cascade4j.examples.InvoiceExtractionExample.Invoice;
import dev.cascade4j.examples.InvoiceExtractionExample.InvoiceReader;
import dev.cascade4j.inference.SamplingParams;
import dev.cascade4j.router.CascadeRouter;
import dev.cascade4j.router.RoutingDecision;
import dev.langchain4j.service.AiServices;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Invoice extraction through the real router on SmolLM2: a record the grammar forces, and the decision that says whether to trust it. */
class InvoiceExtractionExampleTest {
    private static Vertx vertx;
    private static CascadeRouter router;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        router = CascadeRouter.builder(vertx).config(TinyCascade.config()).build();
    }

    @AfterAll
    static void stop() {
        router.close();
        vertx.close().await();
    }

    @Test
    void theSamplesAreShipped() {
        List<Document> samples = InvoiceExtractionExample.samples();
        assertEquals(InvoiceExtractionExample.SAMPLES.size(), samples.size());
        samples.forEach(d -> assertTrue(d.text().toLowerCase().contains("invoice"), d.name()));
    }

    @Test
    void anInvoiceComesBackAsARecordWithItsRoutingDecision() {
        InvoiceReader reader = AiServices.create(InvoiceReader.class,
                CascadeChatModel.builder().router(router).deadline(Duration.ofMinutes(5)).sampling(SamplingParams.greedy(512)).build());
        // A short invoice: the tiny model has little to copy, so its strings end well before the token limit.
        Document note = new Document("note.txt", "Invoice INV-7 from Acme Tools, issued 2026-01-02, due 2026-02-01. Total: 35.50 EUR.");

        Extraction e = InvoiceExtractionExample.extract(reader, note);

        Invoice invoice = e.invoice();
        // every component is required in the schema the grammar follows
        for (String field : new String[] {invoice.invoiceNumber(), invoice.vendor(), invoice.issueDate(), invoice.dueDate(), invoice.currency()}) {
            assertNotNull(field, invoice.toString());
        }
        assertTrue(Double.isFinite(invoice.total()), invoice.toString());
        RoutingDecision d = e.decision();
        // a request for JSON goes to a route that takes structured output
        assertTrue(Set.of("extract", "classify").contains(d.route()), d.toString());
        double c = d.generationConfidence();
        assertTrue(c >= 0 && c <= 1, d.toString());
        assertFalse(d.escalated(), "no large model here: " + d);
        assertTrue(e.trust().startsWith(d.fallback() ? "check it by hand" : "trust it"), e.trust());
    }
}
