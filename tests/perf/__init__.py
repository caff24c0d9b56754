"""`make bench`: the service measured beside a bare FastAPI app on this machine (README.md)."""
