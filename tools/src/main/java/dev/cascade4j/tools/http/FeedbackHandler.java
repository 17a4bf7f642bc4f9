package dev.cascade4j.tools.http;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade4j.router.Router;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Map;

/**
 * {@code POST /v1/feedback}: {@code {"id": "<subtask id>", "rating": "good"|"bad", "correction": "..."}}
 * goes to the query log over the event bus ({@link Router#FEEDBACK_ADDRESS}); the log validates it and
 * answers. The server knows nothing of the log but its address, so the log may run in another JVM.
 */
final class FeedbackHandler {
    private static final System.Logger LOG = System.getLogger(FeedbackHandler.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };
    private static final DeliveryOptions DELIVERY = new DeliveryOptions().setSendTimeout(10_000);

    private FeedbackHandler() {
    }

    static void handle(RoutingContext ctx) {
        JsonNode parsed = RequestJson.parse(ctx.body().buffer());
        if (parsed == null) {
            ctx.fail(ApiError.invalid(null, "the body is empty: send {\"id\", \"rating\", \"correction\"}"));
            return;
        }
        if (!parsed.isObject()) {
            ctx.fail(ApiError.invalid(null, "the body is not a JSON object: send {\"id\", \"rating\", \"correction\"}"));
            return;
        }
        JsonObject body = new JsonObject(JSON.convertValue(parsed, MAP));
        ctx.vertx().eventBus().<JsonObject>request(Router.FEEDBACK_ADDRESS, body, DELIVERY).onComplete(reply -> {
            if (reply.succeeded()) {
                ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json").end(reply.result().body().encode());
                return;
            }
            if (!(reply.cause() instanceof ReplyException e)) {
                ctx.fail(reply.cause());
                return;
            }
            ctx.fail(switch (e.failureType()) {
                case NO_HANDLERS -> new ApiError(503, "server_error", null, "no_query_log",
                        "no query log is running, so feedback cannot be stored; start serve with its query log", Duration.ofSeconds(30));
                case TIMEOUT -> new ApiError(503, "server_error", null, "query_log_timeout", "the query log did not answer in time; retry",
                        Duration.ofSeconds(5));
                case RECIPIENT_FAILURE -> switch (e.failureCode()) {
                    case 400 -> ApiError.invalid(null, e.getMessage());
                    case 404 -> ApiError.notFound("id", "unknown_record", e.getMessage());
                    default -> unavailable(e);
                };
                case ERROR -> e;
            });
        });
    }

    // The log's reason names its files and folders: it goes to the server log, not to the client.
    private static ApiError unavailable(ReplyException e) {
        LOG.log(System.Logger.Level.WARNING, "feedback not stored: " + e.getMessage());
        return new ApiError(503, "server_error", null, "query_log_unavailable",
                "the query log could not store the feedback just now; retry later (the server log has the reason)", Duration.ofSeconds(5));
    }
}
