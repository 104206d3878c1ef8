"""Business rule tables: report categories, the lead workflow, legal bases, layer kinds."""
