"""Federation: publish this instance's entries as a feed, and pull other instances' feeds
with provenance, so that a national or European view gathers the regional clusters."""
