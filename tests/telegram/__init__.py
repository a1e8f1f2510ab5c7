"""End-to-end tests of the Telegram adapter through python-telegram-bot and a fake Bot API."""
