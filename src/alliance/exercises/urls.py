from django.urls import path  # noqa: F401  (areas add their routes here)

app_name = "exercises"

urlpatterns: list = []
