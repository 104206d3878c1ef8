"""Use cases, one package per domain. Importing this package registers the facts the
evidence domains provide about leads (`leads.facts`), so the lead core needs none of them."""

from app.services.air import lead_facts as _air_facts
from app.services.imagery import lead_facts as _imagery_facts
from app.services.reports import lead_facts as _photo_facts

__all__ = ["_air_facts", "_imagery_facts", "_photo_facts"]
