"""The investigations API (/api/v1/investigations/...): one router per area, assembled by config/api.py."""

from alliance.investigations.api.investigations import router as investigations_router

routers: list = [investigations_router]
