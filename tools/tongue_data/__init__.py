"""Tongue-data engine: real tongues cut from dev positives, transplanted into other real faces."""
