"""EcoLeads: the web service, its command line and its use cases."""
