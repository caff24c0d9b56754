"""The trainee's pages: conferences to ask about, the request form, their own requests."""
