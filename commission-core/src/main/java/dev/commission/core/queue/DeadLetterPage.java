package dev.commission.core.queue;

import java.util.List;

/** A page of dead letters; {@code nextAfter} is empty when there are no more. */
public record DeadLetterPage(List<DeadLetter> deadLetters, String nextAfter) {
}
