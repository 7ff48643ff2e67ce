"""The django-ninja routers config/api.py mounts under /api/v1/investigations."""

routers: list = []
