"""Every member of staff's pages: signing in and out, the second factor, registering."""
