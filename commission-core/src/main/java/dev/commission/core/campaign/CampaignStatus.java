package dev.commission.core.campaign;

public enum CampaignStatus { OPEN, CLOSED }
