"""Telegram adapter (python-telegram-bot): wiring, update handlers and message rendering."""
