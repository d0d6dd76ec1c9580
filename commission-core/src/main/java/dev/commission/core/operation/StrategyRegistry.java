package dev.commission.core.operation;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Maps an operation name to its strategy and loads every strategy's script once. An unknown
 * name is an {@link IllegalArgumentException} naming the operations that exist.
 */
public final class StrategyRegistry {
    private final Map<String, OperationStrategy<?, ?>> strategies = new LinkedHashMap<>();
    private final ScriptRunner runner;

    public StrategyRegistry(ScriptRunner runner) {
        this.runner = runner;
    }

    public <S extends OperationStrategy<?, ?>> S add(S strategy) {
        if (strategies.putIfAbsent(strategy.name(), strategy) != null) {
            throw new IllegalStateException("operation registered twice: " + strategy.name());
        }
        runner.register(strategy.name());
        return strategy;
    }

    public OperationStrategy<?, ?> get(String operation) {
        OperationStrategy<?, ?> strategy = strategies.get(operation);
        if (strategy == null) {
            throw new IllegalArgumentException("unknown operation '" + operation + "'; known: " + strategies.keySet());
        }
        return strategy;
    }

    public Set<String> operations() {
        return strategies.keySet();
    }

    public ScriptRunner runner() {
        return runner;
    }
}
