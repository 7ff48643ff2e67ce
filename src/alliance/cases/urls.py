from django.urls import path

from alliance.cases.views import casefile, data_protection, details, htcds, referrals, register, transnational

app_name = "cases"

urlpatterns = [
    path("", register.case_list, name="list"),
    path("new/", register.case_create, name="create"),
    path("search/", register.case_search, name="search"),
    path("export.csv", register.case_export, name="export"),
    path("<int:case_id>/", register.case_detail, name="detail"),
    path("<int:case_id>/share/", register.case_share, name="share"),
    path("<int:case_id>/override/", register.case_override, name="override"),
    path("<int:case_id>/nrm/", register.case_step, name="step"),
    path("<int:case_id>/consents/", register.consent_add, name="consent"),
    path("<int:case_id>/consents/<int:consent_id>/withdraw/", register.consent_withdraw, name="consent_withdraw"),
    path("deadlines/", register.deadlines, name="deadlines"),
]
for _area in (details, htcds, referrals, casefile, transnational, data_protection):
    urlpatterns += _area.urlpatterns
