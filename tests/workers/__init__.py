"""Worker processes the store tests start, kill and replace: real separate bot workers."""
