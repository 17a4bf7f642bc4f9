package dev.cascade4j.router;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Event-bus codecs that hand router objects ({@link Subtask}, {@link RoutedAnswer}, {@link RouterException})
 * from sender to receiver unchanged, inside one JVM. They carry a request's token listener and a
 * model's result objects, which have no wire form. Across JVMs the router stays beside the HTTP
 * surface and reaches models on other nodes through {@link dev.cascade4j.router.cluster.RemoteModel}.
 */
public final class RouterCodecs {
    /** Name of the pass-through codec, for {@link DeliveryOptions#setCodecName}. */
    public static final String LOCAL = "cascade4j-local";

    private RouterCodecs() {
    }

    /** Registers the codecs on this Vert.x instance; calling it again is harmless. */
    public static void register(Vertx vertx) {
        var bus = vertx.eventBus();
        try {
            bus.registerCodec(new Local<>(LOCAL));
        } catch (IllegalStateException alreadyRegistered) {
            // another router or client on this Vert.x registered it first
        }
        registerDefault(vertx, Subtask.class);
        registerDefault(vertx, RoutedAnswer.class);
    }

    private static <T> void registerDefault(Vertx vertx, Class<T> type) {
        try {
            vertx.eventBus().registerDefaultCodec(type, new Local<>("cascade4j-" + type.getSimpleName()));
        } catch (IllegalStateException alreadyRegistered) {
            // registered before
        }
    }

    /** Options that send any object through the pass-through codec. */
    public static DeliveryOptions local() {
        return new DeliveryOptions().setCodecName(LOCAL);
    }

    private record Local<T>(String name) implements MessageCodec<T, T> {
        @Override
        public void encodeToWire(Buffer buffer, T t) {
            throw new IllegalStateException(t.getClass().getSimpleName()
                    + " travels on the event bus only inside one JVM; across JVMs, keep the router beside its caller and put the models "
                    + "on model nodes (dev.cascade4j.router.cluster)");
        }

        @Override
        public T decodeFromWire(int pos, Buffer buffer) {
            throw new IllegalStateException("codec " + name + " has no wire form");
        }

        @Override
        public T transform(T t) {
            return t;
        }

        @Override
        public byte systemCodecID() {
            return -1;
        }
    }
}
