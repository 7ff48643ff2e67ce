"""The exercises API (/api/v1/exercises/...): one router per area, assembled by config/api.py."""

routers: list = []
