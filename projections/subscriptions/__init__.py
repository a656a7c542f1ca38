"""sub.subscription_plans, plan_limits, user_subscriptions, subscription_histories."""
