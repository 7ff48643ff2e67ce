from django.urls import path

from alliance.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_create, name="create"),
    path("search/", views.case_search, name="search"),
    path("export.csv", views.case_export, name="export"),
    path("<int:case_id>/", views.case_detail, name="detail"),
    path("<int:case_id>/share/", views.case_share, name="share"),
    path("<int:case_id>/override/", views.case_override, name="override"),
    path("<int:case_id>/nrm/", views.case_step, name="step"),
    path("<int:case_id>/consents/", views.consent_add, name="consent"),
    path("consents/<int:consent_id>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("deadlines/", views.deadlines, name="deadlines"),
]
