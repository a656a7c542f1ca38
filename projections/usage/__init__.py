"""sub.usage_trackings: what each user used, per calendar month."""
