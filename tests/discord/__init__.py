"""Tests of the Discord adapter through discord.py against a fake Discord HTTP API."""
