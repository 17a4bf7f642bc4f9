package dev.cascade4j.inference;

/**
 * Receives the answer as it is generated. Called on the model's decode thread: return quickly and
 * hand heavy work elsewhere. Text arrives in whole UTF-8 characters, with any part that might begin
 * a stop string held back until it is known not to.
 */
@FunctionalInterface
public interface TokenListener {
    TokenListener NONE = text -> { };

    void onText(String text);
}
