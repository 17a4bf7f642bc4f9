package dev.cascade4j.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.cascade4j.inference.FinishReason;
import dev.cascade4j.inference.SamplingParams;
import io.vertx.core.Future;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Code written against the former name still compiles and routes as before. */
@SuppressWarnings("removal")
class RoutingChatModelAliasTest {

    @Test
    void theDeprecatedAliasIsACascadeChatModel() {
        ScriptedRouter router = ScriptedRouter.answers(s -> Future.succeededFuture(ScriptedRouter.text("Hello!", FinishReason.STOP)));

        RoutingChatModel model = RoutingChatModel.builder().router(router).route("chat").deadline(Duration.ofSeconds(5))
                .sampling(SamplingParams.DEFAULT).build();
        RoutingChatModel.Builder builder = RoutingChatModel.builder();

        assertInstanceOf(CascadeChatModel.class, model);
        assertInstanceOf(CascadeChatModel.Builder.class, builder);
        assertEquals("Hello!", model.chat("Say hello"));
        assertEquals("chat", router.asked.getFirst().routeHint());
    }
}
