"""Coalitions of need: public bodies pool a need and a budget, member companies answer."""
