package dev.commission.core.ranking;

import java.util.List;

/** A steward's standing in STEWARDS, STEWARDS_IN_REGION and STEWARDS_IN_GROUP, in that order. */
public record Standing(String stewardId, List<ScopeStanding> scopes) {
}
