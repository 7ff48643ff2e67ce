from django.urls import path

from alliance.investigations.views import investigations as views
from alliance.investigations.views import xref as xref_views

app_name = "investigations"

urlpatterns: list = [
    path("", views.investigation_list, name="list"),
    path("new/", views.investigation_new, name="new"),
    path("<int:investigation_id>/", views.investigation_detail, name="detail"),
    path("<int:investigation_id>/sources/", views.source_add, name="source_add"),
    path("<int:investigation_id>/import/", views.ftm_import, name="import"),
    path("<int:investigation_id>/spreadsheet/", views.spreadsheet_import, name="spreadsheet"),
    path("<int:investigation_id>/export.ftm", views.ftm_export, name="export"),
    path("<int:investigation_id>/team/", views.member_add, name="member_add"),
    path("<int:investigation_id>/xref/", xref_views.xref, name="xref"),
    path("disclosures/", xref_views.disclosures, name="disclosures"),
    path("hits/<int:hit_id>/decision/", xref_views.decide, name="decide"),
    path("hits/<int:hit_id>/judgement/", xref_views.judge, name="judge"),
]
