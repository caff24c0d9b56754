"""The HTML pages, one folder per audience."""
