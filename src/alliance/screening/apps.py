from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "alliance.screening"
    label = "screening"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A referred screening follows its case; cases tells through signals, so it imports nothing of ours.
        from alliance.cases import signals
        from alliance.screening.selectors.screenings import screening_timeline_of_case
        from alliance.screening.services.retention import screenings_erase_with_case, screenings_unlink_from_case

        signals.case_erasing.connect(screenings_erase_with_case, dispatch_uid="screening.erase_with_case")
        signals.case_anonymising.connect(screenings_unlink_from_case, dispatch_uid="screening.unlink_from_case")
        signals.case_timeline.connect(screening_timeline_of_case, dispatch_uid="screening.case_timeline")
