"""The shell: log-in with a second factor, log-out, the home dashboard and the realm switch."""

from __future__ import annotations

import time

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from alliance.core import audit
from alliance.core.middleware import (
    SESSION_MEMBERSHIP,
    SESSION_REALM,
    SESSION_SEEN,
    SESSION_STARTED,
    client_address,
)
from alliance.directory import selectors as directory_selectors
from alliance.directory import services as directory_services
from alliance.web.dashboard import dashboard_for


class LoginForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mail"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "username"}))
    password = forms.CharField(label=gettext_lazy("Password"), max_length=512,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class TokenForm(forms.Form):
    token = forms.CharField(label=gettext_lazy("Code from your authenticator app or a backup code"),
                            max_length=16, widget=forms.TextInput(attrs={"autocomplete": "one-time-code",
                                                                         "inputmode": "numeric"}))


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("web:home")


@require_http_methods(["GET", "POST"])
def login_view(request):
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        address = client_address(request)
        try:
            user = directory_services.login_check(
                email=form.cleaned_data["email"], password=form.cleaned_data["password"], address=address
            )
        except directory_services.LockedOut:
            form.add_error(None, _("Too many failed log-ins from this address. Try again later or ask "
                                   "your organisation administrator to unlock your account."))
        except directory_services.InvalidCredentials:
            form.add_error(None, _("The e-mail or the password is not right."))
        else:
            login(request, user)
            now = time.time()
            request.session[SESSION_STARTED] = now
            request.session[SESSION_SEEN] = now
            request.session[SESSION_REALM] = directory_selectors.live_realm().pk
            memberships = directory_selectors.memberships_of(user=user)
            request.session[SESSION_MEMBERSHIP] = memberships[0].pk if memberships else None
            directory_services.login_succeeded(user=user, address=address, second_factor=False)
            if directory_selectors.second_factor_enrolled(user=user):
                response = redirect(f"{reverse('web:otp_verify')}?next={_safe_next(request)}")
            else:
                response = HttpResponseRedirect(_safe_next(request))
            return _with_language(response, user.preferred_language)
    expired = request.GET.get("expired") == "1"
    return render(request, "web/login.html", {"form": form, "expired": expired,
                                              "next": request.GET.get("next", "")})


def _with_language(response, language: str):
    """Django reads the language from its cookie (the session key was dropped in 4.0)."""
    if language in dict(settings.LANGUAGES):
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax",
                            secure=settings.SESSION_COOKIE_SECURE, max_age=365 * 24 * 3600)
    return response


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        audit.record(actor=request.actor, action="logout", object_type="user", object_id=request.user.pk)
    # The screening tool's log-out wipe (screening/static/screening/offline-wipe.js) has already removed this
    # user's offline data; when another account's unsent screenings remain on a shared phone it asks to keep
    # the browser storage, so that they are not lost. The caches and cookies always go.
    keep_queue = request.POST.get("keep_offline_queue") == "1"
    logout(request)
    response = redirect("web:login")
    response["Clear-Site-Data"] = '"cache", "cookies"' if keep_queue else '"cache", "cookies", "storage"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    if not directory_selectors.second_factor_enrolled(user=request.user):
        return redirect("web:otp_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"].replace(" ", ""))
        if device is not None:
            otp_login(request, device)
            request.session.cycle_key()  # a new session id once the second factor is proven (ASVS 7.2.4)
            audit.record(actor=request.actor, action="second_factor", object_type="user",
                         object_id=request.user.pk, reason=type(device).__name__)
            return HttpResponseRedirect(_safe_next(request))
        audit.record(actor=request.actor, action="failed_login", object_type="user", object_id=request.user.pk,
                     reason="second factor")
        form.add_error("token", _("That code is not valid. Codes change every 30 seconds."))
    return render(request, "web/otp_verify.html", {"form": form, "next": request.GET.get("next", "")})


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request):
    """Enrol an authenticator app; show ten one-time backup codes once."""
    user = request.user
    if directory_selectors.second_factor_enrolled(user=user) and not request.user.is_verified():
        return redirect("web:otp_verify")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
        user=user, name="authenticator", confirmed=False
    )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].replace(" ", "")):
            device.confirmed = True
            device.save()
            static, _created = StaticDevice.objects.get_or_create(user=user, name="backup")
            static.token_set.all().delete()
            codes = [StaticToken.random_token() for _i in range(10)]
            for code in codes:
                static.token_set.create(token=code)
            otp_login(request, device)
            request.session.cycle_key()  # a new session id once the second factor is proven (ASVS 7.2.4)
            audit.record(actor=request.actor, action="update", object_type="user", object_id=user.pk,
                         fields=["second_factor"])
            return render(request, "web/otp_codes.html", {"codes": codes})
        form.add_error("token", _("That code is not valid. Check the time on your phone and try again."))
    import segno

    qr = segno.make(device.config_url, error="m").svg_data_uri(scale=4)
    return render(request, "web/otp_setup.html", {"form": form, "qr": qr, "secret": device.bin_key.hex()})


class PasswordReset(auth_views.PasswordResetView):
    template_name = "web/password_reset.html"
    email_template_name = "web/password_reset_email.txt"
    success_url = reverse_lazy("web:password_reset_done")


class PasswordResetSent(auth_views.PasswordResetDoneView):
    template_name = "web/password_reset_sent.html"


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    # Resetting sets a password only; the second factor is still asked at the next log-in (6.4.3).
    template_name = "web/password_reset_confirm.html"
    success_url = reverse_lazy("web:password_reset_complete")
    post_reset_login = False


class PasswordResetComplete(auth_views.PasswordResetCompleteView):
    template_name = "web/password_reset_complete.html"


@login_required
def home(request):
    return render(request, "web/home.html", {"cards": dashboard_for(request.actor)})


@login_required
@require_POST
def switch_context(request):
    """Choose the membership (organisation) and the realm the session acts in."""
    user = request.user
    membership_id = request.POST.get("membership")
    realm_id = request.POST.get("realm")
    if membership_id:
        ids = {m.pk for m in directory_selectors.memberships_of(user=user)}
        if membership_id.isdigit() and int(membership_id) in ids:
            request.session[SESSION_MEMBERSHIP] = int(membership_id)
        else:
            messages.error(request, _("You are not a member of that organisation."))
    if realm_id:
        if realm_id.isdigit() and directory_selectors.realm_allowed(user=user, realm_id=int(realm_id)):
            request.session[SESSION_REALM] = int(realm_id)
        else:
            messages.error(request, _("You cannot enter that realm."))
    return redirect("web:home")
