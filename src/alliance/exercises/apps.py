from django.apps import AppConfig


class ExercisesConfig(AppConfig):
    name = "alliance.exercises"
    label = "exercises"
    default_auto_field = "django.db.models.BigAutoField"
