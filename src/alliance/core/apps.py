from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "alliance.core"
    label = "core"
    verbose_name = "Alliance core"

    def ready(self) -> None:
        from alliance.core import checks  # noqa: F401  (registers system checks)
