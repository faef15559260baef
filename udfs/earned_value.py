"""Worksheet functions: earned_value (filled in by its issue)."""

__all__: list[str] = []
