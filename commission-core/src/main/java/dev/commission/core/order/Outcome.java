package dev.commission.core.order;

/** Whether an idempotent operation moved anything now or replayed an earlier result. */
public enum Outcome { APPLIED, DUPLICATE }
