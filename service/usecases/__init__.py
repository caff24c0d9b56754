"""One function per action: load, ask the domain, write the change, audit and mail, commit."""
