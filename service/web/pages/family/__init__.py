"""The family's pages, reached only through a signed link."""
