from django.urls import path

from alliance.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.login_view, name="login"),
    path("accounts/logout/", views.logout_view, name="logout"),
    path("accounts/second-factor/", views.otp_verify, name="otp_verify"),
    path("accounts/second-factor/setup/", views.otp_setup, name="otp_setup"),
    path("accounts/password-reset/", views.PasswordReset.as_view(), name="password_reset"),
    path("accounts/password-reset/sent/", views.PasswordResetSent.as_view(), name="password_reset_done"),
    path("accounts/password-reset/<uidb64>/<token>/", views.PasswordResetConfirm.as_view(),
         name="password_reset_confirm"),
    path("accounts/password-reset/complete/", views.PasswordResetComplete.as_view(),
         name="password_reset_complete"),
    path("context/", views.switch_context, name="switch_context"),
]
