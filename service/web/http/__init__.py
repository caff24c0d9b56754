"""HTTP plumbing every route shares: body limits, headers, CSRF, errors, forms, rendering."""
