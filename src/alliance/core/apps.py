from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "alliance.core"
    label = "core"
    verbose_name = "Alliance core"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from alliance.core import checks  # noqa: F401  (registers system checks)
        from alliance.core.middleware import stamp_session

        user_logged_in.connect(stamp_session, dispatch_uid="alliance.core.stamp_session")
