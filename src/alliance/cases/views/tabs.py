"""The case page's tabs. The page opens on the overview and reads only what a tab shows; "whole case" is
one click away for those who scan or print everything. A form posted from a tab comes back to that tab."""

from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy

TABS = (
    ("overview", gettext_lazy("Overview")),
    ("nrm", gettext_lazy("NRM")),
    ("referrals", gettext_lazy("Referrals and consent")),
    ("casefile", gettext_lazy("Case file")),
    ("transnational", gettext_lazy("Abroad")),
    ("data_protection", gettext_lazy("Data protection")),
)
TAB_NAMES = frozenset(name for name, _label in TABS)
WHOLE_CASE = "all"
DEFAULT_TAB = "overview"


def tab_of(request) -> str:
    """The tab asked for, the overview when none or an unknown one is asked for."""
    tab = request.GET.get("tab")
    return tab if tab in TAB_NAMES or tab == WHOLE_CASE else DEFAULT_TAB


def tab_url(case_id: int, tab: str, section: str = "") -> str:
    url = reverse("cases:detail", kwargs={"case_id": case_id}) + f"?tab={tab}"
    return url + (f"#{section}" if section else "")


def back_to_tab(case_id: int, tab: str, section: str = ""):
    """The redirect after a form posted from one tab of the case page."""
    return redirect(tab_url(case_id, tab, section))
