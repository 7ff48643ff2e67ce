from django.urls import path

from alliance.core import views

app_name = "core"

urlpatterns = [
    path("", views.audit_log, name="audit"),
    path("verify/", views.audit_verify_start, name="audit_verify"),
    path("jobs/<int:job_id>/", views.job_detail, name="job"),
]
