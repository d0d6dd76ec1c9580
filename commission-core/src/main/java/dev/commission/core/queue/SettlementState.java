package dev.commission.core.queue;

/** Where an order stands in the settlement queue. */
public enum SettlementState { QUEUED, SETTLED, DEAD }
