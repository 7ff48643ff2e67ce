"""The exercises API (/api/v1/exercises/...): one router per area, assembled by config/api.py."""

from alliance.exercises.api import evaluation

routers: list = [evaluation.router]
