package dev.commission.core.ledger;

import java.util.Map;

/**
 * One journal entry: its stream id, type (register, settle, reverse, adjust, transfer, close),
 * the steward, the change of its net commission, the group and region that change is credited
 * to, and every field as written.
 */
public record LedgerEntry(String entryId, String type, String stewardId, long deltaFen, String regionId,
                          String groupId, Map<String, String> fields) {
}
