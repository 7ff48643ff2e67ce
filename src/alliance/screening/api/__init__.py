"""/api/v1/screening and /api/v1/screenings: catalogues, the interview, screenings, scores, the dashboard."""

from __future__ import annotations

from alliance.screening.api import catalogues, dashboard, screenings

# Mounted at /screening (catalogues, interview, XLSForm, dashboard) and /screenings (the screenings).
routers = {"/screening": (catalogues.router, dashboard.router), "/screenings": (screenings.router,)}
