"""Telegram adapter: python-telegram-bot wiring, handlers, rendering and the HTTP client."""
