"""The administrator's pages: accounts, sessions, integration tokens."""
