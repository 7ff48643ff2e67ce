from django.urls import include, path

from alliance.config.api import api
from alliance.web import errors

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("cases/", include("alliance.cases.urls")),
    path("screening/", include("alliance.screening.urls")),
    path("investigations/", include("alliance.investigations.urls")),
    path("exercises/", include("alliance.exercises.urls")),
    path("directory/", include("alliance.directory.urls")),
    path("audit/", include("alliance.core.urls")),
    path("", include("alliance.web.urls")),
]

handler403 = errors.forbidden
handler404 = errors.not_found
handler500 = errors.server_error
