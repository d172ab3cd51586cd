"""SQLite storage on the standard library's sqlite3, each connection on a thread of its own:
one writing connection per process, a few readers, versioned migrations."""
