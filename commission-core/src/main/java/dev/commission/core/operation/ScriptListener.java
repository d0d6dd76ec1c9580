package dev.commission.core.operation;

/**
 * Told about every script run, so that the server can time scripts without the core knowing
 * which metrics library it uses. Called on the thread that completes the script; must be quick
 * and must not throw.
 */
@FunctionalInterface
public interface ScriptListener {
    ScriptListener NONE = (script, nanos, outcome) -> { };

    /**
     * @param script  the script's name, e.g. {@code settle}
     * @param nanos   from the call to the reply, NOSCRIPT reloads included
     * @param outcome {@code ok}, {@code refused} (a business refusal) or {@code error} (Redis failed)
     */
    void scriptRan(String script, long nanos, String outcome);
}
