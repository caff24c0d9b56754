"""Persistence: SQLModel tables, the engine and sessions, and queries that never commit."""
