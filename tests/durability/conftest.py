"""Fixtures: the fake Bot API server, shared with the Telegram tests."""

from tests.telegram.conftest import fake

__all__ = ["fake"]
