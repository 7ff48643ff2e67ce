"""The investigation models; every one is re-exported here."""

from alliance.investigations.models.entities import Entity, EntityCase, EntityKey, EntityLink, Source
from alliance.investigations.models.workspace import Investigation, InvestigationMember

__all__ = ["Entity", "EntityCase", "EntityKey", "EntityLink", "Investigation", "InvestigationMember", "Source"]
