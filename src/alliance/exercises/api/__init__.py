"""The exercises API (/api/v1/exercises/...): one router per area, assembled by config/api.py."""

routers: list = []

from alliance.exercises.api.scenarios import router as scenarios_router  # noqa: E402

routers.append(scenarios_router)
