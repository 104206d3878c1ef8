"""Presenters: turn ORM rows and service results into the response schemas of app/schemas."""
