from django.urls import path

from alliance.screening.views import catalogues, dashboard, interview, offline, result

app_name = "screening"

urlpatterns = [
    path("", interview.home, name="home"),
    path("interview/", interview.interview, name="interview"),
    path("submit/", interview.submit, name="submit"),
    path("sw.js", offline.service_worker, name="service_worker"),
    path("<int:screening_id>/", result.detail, name="detail"),
    path("<int:screening_id>/refer/", result.refer, name="refer"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("catalogues/", catalogues.catalogue_list, name="catalogues"),
    path("catalogues/<int:catalogue_id>/", catalogues.catalogue_detail, name="catalogue"),
    path("catalogues/<int:catalogue_id>/draft/", catalogues.catalogue_draft, name="catalogue_draft"),
    path("catalogues/<int:catalogue_id>/edit/", catalogues.catalogue_edit, name="catalogue_edit"),
    path("catalogues/<int:catalogue_id>/publish/", catalogues.catalogue_publish, name="catalogue_publish"),
    path("xlsform.xlsx", catalogues.xlsform, name="xlsform"),
]
