"""Subscriptions and signed webhooks (Standard Webhooks), sent from a durable outbox.

`emit(session, event, data, geometry)` (outbox.py) queues an event, in the caller's
transaction, for every active subscription to it whose area meets the geometry; the
dispatcher (dispatcher.py) signs (signing.py) and POSTs (delivery.py) what committed, to
addresses the allow-list admits (egress.py). Every body is an envelope
`{"type": event, "timestamp": ISO 8601, "data": {...}}`. Events and their data:

- `lead.created` (app/services/leads/build.py `attach`): `{"lead_id", "category", "status",
  "lon", "lat"}` (the centroid, WGS-84); geometry: the first evidence's.
- `lead.referred` (referrals, app/services/partners/): `{"referral_id", "lead_id",
  "from_org", "to_org", "receipt_due_at"}` (organisation codes; ISO 8601); geometry: the
  lead's; pass `lead_id=` so only subscribers who may see the lead are told.
- `referral.receipted` (referrals): `{"referral_id", "lead_id", "to_org", "received_at",
  "receipt_note"}`; geometry and `lead_id=` as for `lead.referred`.
- `exceedance` (app/services/air/stats.py, on import): `{"station", "station_name",
  "date", "pollutant": "pm10", "mean", "limit", "grade", "standard", "ratio", "hours", "lon",
  "lat"}`, one per station and local day whose valid 24-hour PM10 mean exceeds the limit of
  the station's grade (area class 1: grade I, class 2: grade II) in the GB 3095 edition
  applied that day (`standard`); geometry: the station.
- `change_detected` (app/services/imagery/change.py `detect`): `{"detection_id",
  "before", "after", "index", "polygons": [{"id", "area_ha", "category"}]}` (image ids);
  geometry: the union of the polygons. It names no evidence or lead: GET the detection to
  see those of the leads the subscriber may see.
"""

from app.services.webhooks.outbox import EVENTS, emit

__all__ = ["EVENTS", "emit"]
