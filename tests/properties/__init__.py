"""Property-based tests: random conversations never break the engine, the service or a session."""
