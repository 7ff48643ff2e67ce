from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "alliance.web"
    label = "web"
    verbose_name = "Web interface"
