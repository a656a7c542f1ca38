"""The sub context: plans, subscriptions, usage limits and billing."""
