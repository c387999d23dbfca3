"""The domain: organisations, software, offerings and how they relate."""
