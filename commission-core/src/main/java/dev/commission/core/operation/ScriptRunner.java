package dev.commission.core.operation;

import dev.commission.core.CommissionException;
import dev.commission.core.Reason;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisNoScriptException;

/**
 * Runs the operation scripts with EVALSHA through Redisson's {@link RScript}. Each script's text
 * and SHA are computed once; when Redis has forgotten a script (NOSCRIPT, e.g. after a restart
 * or a failover) it is loaded on the node that owns the key and the call is retried once (a
 * NOSCRIPT reply means nothing ran). Timeouts and re-sends follow {@link RedisCallPolicy}: a
 * script that may write is sent once, a {@code no-writes} script may be sent again.
 */
public final class ScriptRunner {
    /**
     * Status words of a reply that succeeded; any other word that is no {@link Reason} a script may
     * answer ({@link Reason.Source#SCRIPT}) is a bug.
     */
    static final Set<String> OK_WORDS = Set.of("APPLIED", "DUPLICATE", "OK");
    private final RScript writes;
    private final RScript reads;
    private final Map<String, LuaScript> scripts = new ConcurrentHashMap<>();
    private volatile ScriptListener listener = ScriptListener.NONE;

    public ScriptRunner(RedissonClient redisson) {
        this(redisson, RedisCallPolicy.DEFAULT);
    }

    public ScriptRunner(RedissonClient redisson, RedisCallPolicy policy) {
        this.writes = redisson.getScript(policy.writes());
        this.reads = redisson.getScript(policy.reads());
    }

    /** Who is told about each script run (one listener; the server's metrics). */
    public void listen(ScriptListener listener) {
        this.listener = listener;
    }

    /** Reads a script's text (once) and loads it into Redis. */
    public LuaScript register(String name) {
        LuaScript script = scripts.computeIfAbsent(name, LuaScript::load);
        reads.scriptLoad(script.source()); // loading twice does nothing, so it may be re-sent
        return script;
    }

    public LuaScript script(String name) {
        LuaScript script = scripts.get(name);
        if (script == null) {
            throw new IllegalArgumentException("unknown script: " + name);
        }
        return script;
    }

    /** Runs a strategy: builds KEYS/ARGV, evaluates, maps refusal words, decodes. */
    public <Q, R> CompletionStage<R> execute(OperationStrategy<Q, R> strategy, Q request) {
        List<Object> keys = strategy.keys(request);
        return run(strategy.name(), keys, strategy.args(request))
                .thenApply(reply -> strategy.decode(request, reply));
    }

    /**
     * Evaluates a script by SHA with the given KEYS/ARGV and returns its reply; a reply whose
     * status word is a {@link Reason} completes exceptionally with a {@link CommissionException}.
     */
    public CompletionStage<ScriptReply> run(String name, List<Object> keys, List<Object> args) {
        LuaScript script = script(name);
        String routingKey = (String) keys.get(0);
        Object[] argv = args.toArray();
        long started = System.nanoTime();
        CompletableFuture<List<Object>> first = evalSha(script, routingKey, keys, argv);
        return first
                .handle((reply, error) -> {
                    if (error != null && isNoScript(error)) {
                        return reads.scriptLoadAsync(routingKey, script.source()).toCompletableFuture()
                                .thenCompose(sha -> evalSha(script, routingKey, keys, argv));
                    }
                    return error != null ? CompletableFuture.<List<Object>>failedFuture(error)
                            : CompletableFuture.completedFuture(reply);
                })
                .thenCompose(stage -> stage)
                .thenApply(ScriptRunner::checkStatus)
                .whenComplete((reply, error) -> listener.scriptRan(name, System.nanoTime() - started,
                        error == null ? "ok" : isRefusal(error) ? "refused" : "error"));
    }

    private static boolean isRefusal(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause instanceof CommissionException;
    }

    private CompletableFuture<List<Object>> evalSha(LuaScript script, String routingKey, List<Object> keys, Object[] argv) {
        RScript rscript = script.readOnly() ? reads : writes;
        return rscript.<List<Object>>evalShaAsync(routingKey, RScript.Mode.READ_WRITE, script.sha(),
                RScript.ReturnType.LIST, keys, argv).toCompletableFuture();
    }

    private static ScriptReply checkStatus(List<Object> values) {
        ScriptReply reply = new ScriptReply(values);
        Reason reason = refusal(reply.status());
        if (reason != null) {
            String detail = reply.size() > 1 ? reply.string(1) : reason.name();
            throw new CommissionException(reason, detail);
        }
        if (!OK_WORDS.contains(reply.status())) {
            // Not a refusal the caller could cause: a bug between Java and Lua, so no business error.
            throw new IllegalStateException("script answered " + values);
        }
        return reply;
    }

    private static Reason refusal(String status) {
        for (Reason reason : Reason.values()) {
            if (reason.source() == Reason.Source.SCRIPT && reason.name().equals(status)) {
                return reason;
            }
        }
        return null;
    }

    private static boolean isNoScript(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause instanceof RedisNoScriptException
                || (cause.getMessage() != null && cause.getMessage().startsWith("NOSCRIPT"));
    }
}
