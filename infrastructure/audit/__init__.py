"""Tamper evidence over the event logs: the hash chain, its verification, signed digests."""
