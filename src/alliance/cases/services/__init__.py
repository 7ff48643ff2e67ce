"""Every write to case data, one module per part of the NRM; re-exported here for callers."""

from alliance.cases.services.nrm import case_transition
from alliance.cases.services.register import (
    case_create,
    case_override,
    case_share,
    case_share_revoke,
    consent_record,
    consent_withdraw,
)

__all__ = ["case_create", "case_override", "case_share", "case_share_revoke", "case_transition", "consent_record",
           "consent_withdraw"]
