"""The exercises API (/api/v1/exercises/...): one router per area, assembled by config/api.py."""

from alliance.exercises.api.runs import router as runs_router

routers: list = [runs_router]
