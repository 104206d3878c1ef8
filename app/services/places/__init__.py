"""Use cases of places: reference layers and geocoding against them."""
