"""Shared steps the actions call inside their own transaction: asking, moving, mailing, telling."""
