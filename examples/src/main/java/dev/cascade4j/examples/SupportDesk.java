package dev.cascade4j.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The support agent's tools, over a shop's data: customers, orders and shipments read from
 * {@code support/orders.json} beside this class. Each result says what it is in words a model can
 * quote; each error says what a valid value looks like, so the model can correct itself.
 */
public final class SupportDesk {
    record Customer(String email, String name, String city, String country) {
    }

    record Item(String product, int quantity, double unitPrice) {
    }

    record Order(String id, String customer, String placed, String status, List<Item> items, double total, String currency, String tracking) {
    }

    record Scan(String time, String place, String event) {
    }

    record Shipment(String tracking, String carrier, String order, String status, String expectedDelivery, List<Scan> events) {
    }

    record Data(List<Customer> customers, List<Order> orders, List<Shipment> shipments) {
    }

    /** A ticket the agent opened for the support team. */
    public record Ticket(String id, String orderId, String summary) {
    }

    private final Map<String, Customer> customers;
    private final Map<String, Order> orders;
    private final Map<String, Shipment> shipments;
    private final List<Ticket> tickets = new ArrayList<>();

    private SupportDesk(Data data) {
        customers = index(data.customers(), Customer::email);
        orders = index(data.orders(), Order::id);
        shipments = index(data.shipments(), Shipment::tracking);
    }

    /** The desk over the sample data shipped with the examples. */
    public static SupportDesk load() {
        try (InputStream in = SupportDesk.class.getResourceAsStream("support/orders.json")) {
            if (in == null) {
                throw new IllegalStateException("support/orders.json is missing beside " + SupportDesk.class.getName());
            }
            return new SupportDesk(new ObjectMapper().readValue(in, Data.class));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read support/orders.json: " + e.getMessage(), e);
        }
    }

    private static <T> Map<String, T> index(List<T> items, Function<T, String> key) {
        return items.stream().collect(Collectors.toUnmodifiableMap(i -> key.apply(i).toUpperCase(Locale.ROOT), i -> i));
    }

    @Tool("Finds an order by its number: status, items, total and tracking number")
    public String findOrder(@P("the order number, e.g. A-1038") String orderId) {
        Order o = order(orderId);
        String items = o.items().stream().map(i -> i.quantity() + " x " + i.product()).collect(Collectors.joining(", "));
        return "Order " + o.id() + " placed on " + o.placed() + " by " + o.customer() + ": " + items + ", total "
                + String.format(Locale.ROOT, "%.2f", o.total()) + " " + o.currency() + ". Status: " + o.status() + "."
                + (o.tracking() == null ? " Not shipped yet, so there is no tracking number." : " Tracking number: " + o.tracking() + ".");
    }

    @Tool("Lists the orders of a customer, found by the customer's e-mail address")
    public String ordersOfCustomer(@P("the customer's e-mail address") String email) {
        Customer c = customers.get(email.strip().toUpperCase(Locale.ROOT));
        if (c == null) {
            throw new IllegalArgumentException("no customer with the e-mail address " + email + "; ask the customer for the address they ordered with");
        }
        String list = orders.values().stream().filter(o -> o.customer().equals(c.email())).sorted(Comparator.comparing(Order::id))
                .map(o -> o.id() + " (" + o.placed() + ", " + o.status() + ")").collect(Collectors.joining(", "));
        return c.name() + " (" + c.city() + ") has these orders: " + list + ".";
    }

    @Tool("Tells where a shipment is, by the order number or the tracking number: status, last scan and expected delivery")
    public String shipmentStatus(@P("the order number (e.g. A-1038) or the shipment's tracking number") String orderOrTrackingNumber) {
        Shipment s = shipments.get(orderOrTrackingNumber.strip().toUpperCase(Locale.ROOT));
        if (s == null) {    // small models pass the order number as often as the tracking number: take both
            Order o = order(orderOrTrackingNumber);
            if (o.tracking() == null) {
                return "Order " + o.id() + " has not shipped yet (status: " + o.status() + ").";
            }
            s = shipments.get(o.tracking().toUpperCase(Locale.ROOT));
        }
        Scan last = s.events().getLast();
        return "Shipment " + s.tracking() + " (" + s.carrier() + ", order " + s.order() + ") is " + s.status() + ". Last scan "
                + last.time() + " at " + last.place() + ": " + last.event() + "."
                + (s.expectedDelivery() == null ? "" : " Expected delivery: " + s.expectedDelivery() + ".")
                + (s.status().equals("delayed") ? " The support team has to sort this out: open a ticket." : "");    // the next step, for a small model
    }

    @Tool("Opens a ticket for the support team, for a problem the order and shipment data cannot solve")
    public String openTicket(@P("the order number, e.g. A-1038") String orderId, @P("the problem, in one sentence") String summary) {
        Order o = order(orderId);
        synchronized (tickets) {    // tools of one step may run in parallel
            var open = tickets.stream().filter(t -> t.orderId().equals(o.id())).findFirst();
            if (open.isPresent()) {
                return "Ticket " + open.get().id() + " is already open for order " + o.id() + "; the support team answers within one working day.";
            }
            Ticket t = new Ticket("T-" + (501 + tickets.size()), o.id(), summary.strip());
            tickets.add(t);
            return "Opened ticket " + t.id() + " for order " + o.id() + "; the support team answers within one working day."
                    + " Tell the customer what happened to the order and the ticket number.";
        }
    }

    /** The tickets opened so far. */
    public List<Ticket> tickets() {
        synchronized (tickets) {
            return List.copyOf(tickets);
        }
    }

    private Order order(String orderId) {
        String id = orderId.strip().toUpperCase(Locale.ROOT);
        Order o = orders.get(id.matches("\\d+") ? "A-" + id : id);    // customers often drop the prefix
        if (o == null) {
            throw new IllegalArgumentException("no order " + orderId + "; order numbers look like A-1038");
        }
        return o;
    }
}
