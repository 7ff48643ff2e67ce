"""The exercises API (/api/v1/exercises/...): one router per area, assembled by config/api.py."""

routers: list = []

from alliance.exercises.api.programmes import router as programmes_router  # noqa: E402

routers.append(programmes_router)
