from django.urls import path

from alliance.exercises.views import scenarios

app_name = "exercises"

urlpatterns: list = [
    path("scenarios/", scenarios.scenario_list, name="scenarios"),
    path("scenarios/upload/", scenarios.scenario_upload, name="scenario_upload"),
    path("scenarios/<slug:slug>/<str:version>/", scenarios.scenario_detail, name="scenario"),
    path("scenarios/<slug:slug>/<str:version>/download/", scenarios.scenario_download, name="scenario_download"),
    path("scenarios/<slug:slug>/<str:version>/evidence/<path:path>", scenarios.scenario_evidence,
         name="scenario_evidence"),
    path("scenarios/<slug:slug>/<str:version>/msel/", scenarios.scenario_msel_edit, name="scenario_msel_edit"),
    path("scenarios/<slug:slug>/<str:version>/edit/<str:file>/", scenarios.scenario_file_edit,
         name="scenario_file_edit"),
]
