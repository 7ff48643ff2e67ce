"""Screening data: catalogue versions, interview languages and screenings.
"""

from alliance.screening.models.catalogues import Catalogue, InterviewLanguage
from alliance.screening.models.screenings import Screening

__all__ = ["Catalogue", "InterviewLanguage", "Screening"]
