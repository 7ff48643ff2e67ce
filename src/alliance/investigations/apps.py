from django.apps import AppConfig


class InvestigationsConfig(AppConfig):
    name = "alliance.investigations"
    label = "investigations"
    default_auto_field = "django.db.models.BigAutoField"
