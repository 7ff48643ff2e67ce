from django.urls import path, re_path

from alliance.screening.views import catalogues, dashboard, interview, languages, offline, result

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
    path("languages/", languages.language_list, name="languages"),
    # Not a language code (those are two or three letters), so no language can hide this address.
    path("languages/add-language/", languages.language_add, name="language_add"),
    re_path(r"^languages/(?P<code>[a-z]{2,3})/$", languages.language_edit, name="language"),
    re_path(r"^languages/(?P<code>[a-z]{2,3})/publish/$", languages.language_publish, name="language_publish"),
    path("xlsform.xlsx", catalogues.xlsform, name="xlsform"),
]
