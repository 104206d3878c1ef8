"""ORM models; importing this package registers every table on Base.metadata."""

from models.base import Base
from models.job import Job
from models.layer import Layer, LayerFeature, LayerVersion
from models.org import Organisation

__all__ = ["Base", "Job", "Layer", "LayerFeature", "LayerVersion", "Organisation"]
