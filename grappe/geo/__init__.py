"""Places: the gazetteer of communes, geocoding of entries, distances."""
