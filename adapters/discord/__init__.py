"""Discord adapter (discord.py): wiring, interaction handlers, rendering and components."""
