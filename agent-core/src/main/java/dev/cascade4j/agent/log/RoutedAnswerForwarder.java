package dev.cascade4j.agent.log;

import dev.cascade4j.router.RoutedAnswer;
import dev.cascade4j.router.Router;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;

/**
 * For a log writer in another JVM: deployed beside the router, it turns each {@link RoutedAnswer}
 * published in this JVM into a {@link QueryRecord} and publishes it on
 * {@link QueryLog#RECORDS_ADDRESS}, which crosses a clustered event bus (with
 * {@link QueryRecordCodec}). The conversion happens here, so the router's objects never leave the JVM.
 */
public final class RoutedAnswerForwarder extends VerticleBase {
    private MessageConsumer<RoutedAnswer> consumer;

    @Override
    public Future<?> start() {
        QueryLogVerticle.registerCodec(vertx);
        consumer = vertx.eventBus().localConsumer(Router.ROUTED_ADDRESS,
                msg -> vertx.eventBus().publish(QueryLog.RECORDS_ADDRESS, QueryRecord.from(msg.body())));
        return consumer.completion();
    }

    @Override
    public Future<?> stop() {
        return consumer.unregister();
    }
}
