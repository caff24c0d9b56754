"""Pure rules of the service: states, transitions, dates and consent. No I/O."""
