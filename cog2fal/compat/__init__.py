"""Private APIs of dependencies, each contained in one module per library and tested against
the public behaviour it replaces."""
