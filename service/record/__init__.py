"""The record's read model: a request's record loaded whole, its timeline in words, its exports."""
