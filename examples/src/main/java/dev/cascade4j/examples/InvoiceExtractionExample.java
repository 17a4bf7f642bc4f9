package dev.cascade4j.examples;

import dev.cascade4j.agent.CascadeChatModel;
import dev.cascade4j.agent.RoutedChatResponseMetadata;
import dev.cascade4j.router.CascadeRouter;
import dev.cascade4j.router.RoutingDecision;
import dev.langchain4j.model.output.structured.Description;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.Result;
import dev.langchain4j.service.UserMessage;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Invoices read into a Java record through the router, each with how far it can be trusted: the
 * request asks for JSON, so it goes to a structured-output route, the grammar makes the model write
 * every field, and the routing decision says how confident the small model was and whether the large
 * model redid it. Run it with {@code ./cascade4j invoices [FILE ...]} (default: the sample invoices
 * in {@code invoices/} beside this class: a printed invoice, an e-mail, a scan in German, a short letter).
 */
public final class InvoiceExtractionExample {
    static final List<String> SAMPLES = List.of("01-print-shop.txt", "02-hosting-email.txt", "03-freight-scan.txt", "04-consultant.txt");

    private InvoiceExtractionExample() {
    }

    // readme:invoice-record-begin
    record Invoice(
            @Description("the invoice number, exactly as printed") String invoiceNumber,
            @Description("who issued the invoice: the company or person to be paid") String vendor,
            @Description("the date the invoice was issued, as YYYY-MM-DD") String issueDate,
            @Description("the date payment is due, as YYYY-MM-DD") String dueDate,
            @Description("the currency as an ISO 4217 code, e.g. EUR") String currency,
            @Description("the total amount to pay, taxes included") double total) {
    }

    interface InvoiceReader {
        @UserMessage("Extract the invoice number, vendor, issue date, due date, currency and total from this invoice."
                + " Write dates as YYYY-MM-DD and the total as a plain number.\n\n{{it}}")
        Result<Invoice> read(String document);    // Result: the record, and the response with its routing decision
    }
    // readme:invoice-record-end

    /** One document's record and how it was served. */
    record Extraction(String document, Invoice invoice, RoutingDecision decision) {
        /** Whether to use the record as it is, and why. */
        String trust() {
            if (decision.escalated()) {
                return "trust it: redone by the large model " + decision.model() + " (" + decision.reason() + ")";
            }
            if (decision.fallback()) {
                return "check it by hand: the small model was unsure and no large model answered (" + decision.reason() + ")";
            }
            return "trust it: the small model was sure enough for the route";
        }

        String confidence() {
            return Double.isNaN(decision.generationConfidence()) ? "-" : String.format(Locale.ROOT, "%.2f", decision.generationConfidence());
        }
    }

    public static void main(String[] args) {
        List<Document> documents = args.length > 0 ? files(args) : samples();
        Vertx vertx = Vertx.vertx();
        try (CascadeRouter router = CascadeRouter.builder(vertx).build()) {     // the embedded two-tier cascade
            InvoiceReader reader = AiServices.create(InvoiceReader.class,
                    CascadeChatModel.builder().router(router).deadline(Duration.ofMinutes(5)).build());
            for (Document d : documents) {
                Extraction e = extract(reader, d);
                System.out.println(e.document());
                System.out.println("  " + e.invoice());
                System.out.println("  route " + e.decision().route() + ", small model's confidence " + e.confidence() + ": " + e.trust());
            }
        } finally {
            vertx.close().await();                                              // Vert.x's threads would keep the JVM running
        }
    }

    static Extraction extract(InvoiceReader reader, Document document) {
        Result<Invoice> result = reader.read(document.text());
        RoutedChatResponseMetadata routed = (RoutedChatResponseMetadata) result.finalResponse().metadata();
        return new Extraction(document.name(), result.content(), routed.decision());
    }

    /** A document to read: its name and text. */
    record Document(String name, String text) {
    }

    static List<Document> samples() {
        List<Document> out = new ArrayList<>();
        for (String name : SAMPLES) {
            try (InputStream in = InvoiceExtractionExample.class.getResourceAsStream("invoices/" + name)) {
                if (in == null) {
                    throw new IllegalStateException("invoices/" + name + " is missing beside " + InvoiceExtractionExample.class.getName());
                }
                out.add(new Document(name, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read invoices/" + name + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    private static List<Document> files(String[] paths) {
        List<Document> out = new ArrayList<>();
        for (String p : paths) {
            Path path = Path.of(p);
            if (!Files.isRegularFile(path)) {
                throw new IllegalArgumentException("no file " + p + "; give the paths of invoices as text files");
            }
            try {
                out.add(new Document(path.getFileName().toString(), Files.readString(path)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + p + ": " + e.getMessage(), e);
            }
        }
        return out;
    }
}
