"""Use cases of leads (线索): building them from evidence, assessing, regrouping, workflow,
the map view."""
