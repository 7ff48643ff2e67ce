"""Every write of the screening app: submissions (online or from the offline queue), the one step to a
referral, and the catalogue editor."""

from alliance.screening.services.referral import screening_refer
from alliance.screening.services.submission import screening_submit

__all__ = ["screening_refer", "screening_submit"]
