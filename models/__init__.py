"""ORM models; importing this package registers every table on Base.metadata."""

from models.base import Base
from models.job import Job
from models.layer import Layer, LayerFeature, LayerVersion
from models.org import Organisation, Token, User
from models.report import Report, ReportPhoto

__all__ = [
    "Base",
    "Job",
    "Layer",
    "LayerFeature",
    "LayerVersion",
    "Organisation",
    "Report",
    "ReportPhoto",
    "Token",
    "User",
]
