"""Store tests: one contract for memory, SQLite and Redis, plus Redis concurrency and outages."""
