"""ORM models; importing this package registers every table on Base.metadata."""

from models.air import AirImport, AirReading, AirStation, AirSurface, FireHotspot
from models.archive import ArchivedOriginal
from models.audit import AuditEntry
from models.base import Base
from models.imagery import ChangeDetection, ChangePolygon, Image, Recheck
from models.job import Job
from models.layer import Layer, LayerFeature, LayerVersion
from models.lead import EvidenceItem, Lead, LeadFinding, LegalBasis, ScoreWeights, Suggestion
from models.org import LoginFailure, Organisation, Token, User
from models.partners import (
    LeadOrganisation,
    PartnerShare,
    Referral,
    Subscription,
    WebhookDelivery,
)
from models.report import Report, ReportPhoto

__all__ = [
    "AirImport",
    "AirReading",
    "AirStation",
    "AirSurface",
    "ArchivedOriginal",
    "AuditEntry",
    "Base",
    "ChangeDetection",
    "ChangePolygon",
    "EvidenceItem",
    "FireHotspot",
    "Image",
    "Job",
    "Layer",
    "LayerFeature",
    "LayerVersion",
    "Lead",
    "LeadFinding",
    "LeadOrganisation",
    "LegalBasis",
    "LoginFailure",
    "Organisation",
    "PartnerShare",
    "Recheck",
    "Referral",
    "Report",
    "ReportPhoto",
    "ScoreWeights",
    "Subscription",
    "Suggestion",
    "Token",
    "User",
    "WebhookDelivery",
]
