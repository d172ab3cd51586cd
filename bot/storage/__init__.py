"""aiosqlite storage: one connection per process for writes, versioned migrations."""
