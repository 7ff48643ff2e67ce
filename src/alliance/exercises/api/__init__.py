"""The exercises API (/api/v1/exercises/...): one router per area, assembled by config/api.py."""

from alliance.exercises.api import after_action, evaluation
from alliance.exercises.api.programmes import router as programmes_router
from alliance.exercises.api.runs import router as runs_router
from alliance.exercises.api.scenarios import router as scenarios_router

routers: list = [programmes_router, scenarios_router, runs_router, evaluation.router, after_action.router]
