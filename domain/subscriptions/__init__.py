"""Subscription plans, their limits, and each user's subscription (FE-14, seed 001 §7)."""
