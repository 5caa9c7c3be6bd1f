"""Internals of the AgentStack SDK; nothing here is public API."""
