"""The QA Service's pages, every one behind the QA role: requests, conferences, families."""
