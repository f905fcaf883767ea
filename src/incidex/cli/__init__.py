"""The Typer command-line interface: each command parses options and calls a service."""
