"""Calls for tenders: notices read into lots and requirements, then scored against members."""
