"""The screening service worker: the interview opens with no connection, nothing else is kept.

Public (it holds only code). It precaches the static files the interview needs, under their hashed URLs,
keeps a copy of each interview page the phone opened (or was asked to prepare), and caches nothing else:
results, referrals, lists and the API carry data and always come from the network. The cache is named by a
hash of the asset list, so a new release installs a new cache and the old one is deleted.
"""

from __future__ import annotations

import hashlib
import json
import os

from django.contrib.staticfiles import finders
from django.core.serializers.json import DjangoJSONEncoder
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from alliance.screening.domain import languages

# The shell every page loads, then every script and style sheet of the screening app.
CORE_ASSETS = ("web/alliance.css", "web/alliance.js", "web/favicon.svg", "django_htmx/htmx-2.min.js")
SCREENING_STATIC = "screening/"
# A kept interview page younger than this is not fetched again when the start page asks for them all (the
# page itself is refreshed whenever it is opened with a connection).
PAGE_MAX_AGE = 6 * 3600


def precache_assets() -> list[tuple[str, str]]:
    """(static path, file on disk) of every asset the interview needs, in a stable order."""
    found: dict[str, str] = {}
    for path in CORE_ASSETS:
        location = finders.find(path)
        if location:
            found[path] = location
    for finder in finders.get_finders():
        for path, storage in finder.list([]):
            path = path.replace(os.sep, "/")
            if path.startswith(SCREENING_STATIC) and path.endswith((".js", ".css")) and path not in found:
                found[path] = storage.path(path)
    return sorted(found.items())


def _version(assets: list[tuple[str, str, str]]) -> str:
    """Changes with any asset's URL (hashed in production) or content (size and time, for development)."""
    digest = hashlib.sha256()
    for path, url, location in assets:
        try:
            stat = os.stat(location)
            stamp = f"{stat.st_size}:{stat.st_mtime_ns}"
        except OSError:
            stamp = "missing"
        digest.update(f"{path}\0{url}\0{stamp}\n".encode())
    return digest.hexdigest()[:16]


@require_GET
def service_worker(request):
    assets = [(path, static(path), location) for path, location in precache_assets()]
    interview_path = reverse("screening:interview")
    config = {
        "version": _version(assets),
        "assets": [url for _path, url, _location in assets],
        "interview_path": interview_path,
        "page_max_age": PAGE_MAX_AGE,
        # Names for the offline page's list of prepared interviews: the nine and every published added one.
        "languages": languages.described([*languages.CODES, *languages.registered().filter(
            published_at__isnull=False).values_list("code", flat=True)]),
        "stylesheet": static("web/alliance.css"),
        "texts": {
            "offline_title": _("No connection"),
            "offline_lead": _("This page needs a connection. Screening interviews prepared on this phone open "
                              "without one; finished screenings are kept, encrypted, and sent when the "
                              "connection is back."),
            "offline_none": _("No interview was prepared on this phone. Open the screening page once while "
                              "connected to prepare them."),
            "offline_list": _("Interviews ready on this phone"),
            "interviewer": _("Interviewer"),
            "interviewee": _("Person"),
            "lang": request.LANGUAGE_CODE,
        },
    }
    # JSON in a script, not in HTML: only the closing sequences of a script need escaping.
    encoded = json.dumps(config, cls=DjangoJSONEncoder, ensure_ascii=False).replace("<", "\\u003c")
    response = render(request, "screening/sw.js", {"config": mark_safe(encoded)},
                      content_type="application/javascript; charset=utf-8")
    # The browser checks for a new worker on each visit; it must never use a stale copy.
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = reverse("screening:home")
    return response
