"""Roles, memberships, self-service edits, moderation, audit."""
