package dev.cascade4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade4j.inference.source.ModelStore;
import dev.cascade4j.router.config.RouterConfig;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a serve node may be told to run, and the errors that say what is wrong. */
class RolesTest {

    @Test
    void noRolesMeansAllOfThemInOneJvm() {
        assertEquals(new Roles(true, true, true), Roles.parse(List.of(), false));
    }

    @Test
    void aClusterNodeRunsWhatItIsGiven() {
        assertEquals(new Roles(false, true, false), Roles.parse(List.of("model"), true));
        assertEquals(new Roles(true, false, true), Roles.parse(List.of("http", " Router", "log"), true));
    }

    @Test
    void mistakesAreNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Roles.parse(List.of("modle"), true)).getMessage()
                .contains("--roles modle: unknown role; the roles are http, router, model, log"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Roles.parse(List.of("http", "model"), true)).getMessage()
                .contains("http and router go together"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Roles.parse(List.of("model"), false)).getMessage()
                .contains("leaves out http,log,router, which only other nodes can run: add --cluster"));
    }

    @Test
    void aModelNodeNamesOnlyModelsTheConfigurationHas() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> ModelPlacement.load(RouterConfig.defaults(), List.of("qwen-7b"), ModelStore.defaultStore()));
        assertTrue(e.getMessage().contains("--models qwen-7b: the router configuration has no such model; its models are qwen-0.5b, qwen-1.5b"),
                e.getMessage());
        assertEquals(Set.of("qwen-0.5b", "qwen-1.5b"), ModelPlacement.models(RouterConfig.defaults()).keySet());
    }
}
