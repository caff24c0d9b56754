"""The JSON API under /api/v1 (DESIGN.md section 10) and its schemas."""
