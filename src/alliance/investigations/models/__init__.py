"""The investigation models; every one is re-exported here."""

from alliance.investigations.models.entities import Entity, EntityCase, EntityKey, EntityLink, Source
from alliance.investigations.models.imports import ImportMapping
from alliance.investigations.models.workspace import Investigation, InvestigationMember
from alliance.investigations.models.xref import PairJudgement, XrefHit, XrefRequest

__all__ = ["Entity", "EntityCase", "EntityKey", "EntityLink", "ImportMapping", "Investigation",
           "InvestigationMember", "PairJudgement", "Source", "XrefHit", "XrefRequest"]
