"""The audit context: reading the audit log (who did what, when, from which log position)."""
