package dev.commission.core.operation;

import java.util.List;

/**
 * One operation run as one Lua script: the script's name ({@code lua/<name>.lua}), the building
 * of its KEYS and ARGV from a domain request, and the decoding of its reply into a result.
 *
 * @param <Q> the domain request
 * @param <R> the domain result
 */
public interface OperationStrategy<Q, R> {

    /** The operation name, also the script's file name without {@code .lua}. */
    String name();

    /** KEYS: every key the script is declared to touch; all share the campaign hash tag. */
    List<Object> keys(Q request);

    /** ARGV: the scalars, as strings. */
    List<Object> args(Q request);

    /**
     * Turns the script's reply into a result. A reply whose first element is a {@link
     * dev.commission.core.Reason} word has already been turned into an exception by the runner.
     */
    R decode(Q request, ScriptReply reply);
}
