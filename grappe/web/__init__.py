"""The public site, server-rendered, in French and English."""
