"""Transnational referral pages: organisation keys, partners, the case-page panel for sending, and the
received packages with their preview and review."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance.cases.selectors import transnational as selectors
from alliance.cases.services import transnational as services
from alliance.cases.views.tabs import back_to_tab
from alliance.core.api_schemas import MAX_ID
from alliance.core.blank_forms import form_html
from alliance.core.countries import COUNTRY_CHOICES
from alliance.core.errors import ValidationFailed
from alliance.core.forms import apply_errors
from alliance.core.sealed_package import format_fingerprint

FIELD_LABELS = {
    "given_name": gettext_lazy("Given name"),
    "middle_name": gettext_lazy("Middle name"),
    "family_name": gettext_lazy("Family name"),
    "birth_date": gettext_lazy("Birth date"),
    "sex": gettext_lazy("Sex"),
    "gender": gettext_lazy("Gender"),
    "estimated_age": gettext_lazy("Estimated age"),
    "age_basis": gettext_lazy("Age based on"),
    "citizenships": gettext_lazy("Citizenships"),
    "primary_language": gettext_lazy("Primary language"),
    "secondary_language": gettext_lazy("Secondary language"),
    "is_child": gettext_lazy("Child"),
    "nrm_stage": gettext_lazy("NRM stage"),
    "trafficking_status": gettext_lazy("Trafficking status"),
    "exploitation_types": gettext_lazy("Types of exploitation"),
    "support_types": gettext_lazy("Support needed"),
    "reference": gettext_lazy("Sender's case number"),
    "consent": gettext_lazy("Consent to the transfer"),
    "legal_basis": gettext_lazy("Legal basis (sent without consent)"),
}


def field_labels(names) -> list[str]:
    return [str(FIELD_LABELS.get(name, name)) for name in names]


class KeysForm(forms.Form):
    package_id = forms.CharField(
        label=gettext_lazy("Identifier in packages"), max_length=80, required=False,
        help_text=gettext_lazy("For example XD:safe-harbour. Leave empty to keep the current one."))


class PartnerForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Partner's name"), max_length=200)
    country = forms.ChoiceField(label=gettext_lazy("Partner's country"), choices=COUNTRY_CHOICES)
    card_file = forms.FileField(label=gettext_lazy("Identity card file"), required=False)
    card = forms.CharField(label=gettext_lazy("Or paste the identity card"), required=False,
                           max_length=services.MAX_CARD_CHARS, widget=forms.Textarea(attrs={"rows": 6}))
    fingerprint = forms.CharField(
        label=gettext_lazy("Fingerprint, as the partner read it out to you"), max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Compare it over a call or in a meeting, never through the e-mail that "
                               "carried the card."))

    def card_text(self) -> str:
        upload = self.cleaned_data.get("card_file")
        if upload is not None:
            if upload.size > services.MAX_CARD_CHARS:
                return "x" * (services.MAX_CARD_CHARS + 1)  # refused by the service as too long
            return upload.read().decode("utf-8", errors="replace")
        return self.cleaned_data.get("card") or ""


class SendForm(forms.Form):
    partner = forms.TypedChoiceField(label=gettext_lazy("Partner organisation"), coerce=int, choices=())
    legal_basis = forms.CharField(
        label=gettext_lazy("Legal basis, only when sending without the person's consent"), required=False,
        max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].choices = choices


class UploadForm(forms.Form):
    package = forms.FileField(label=gettext_lazy("Package file"))


class RefuseForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Why it is refused (no personal data)"), max_length=300)


def _partner_choices(options: dict) -> list[tuple[int, str]]:
    out = []
    for partner, consented in options["choices"]:
        label = f"{partner.name} ({partner.get_country_display()})"
        if not consented:
            label += " — " + _("no consent: legal basis required")
        out.append((partner.pk, label))
    return out


def panel(request, view) -> dict | None:
    """"Send to a partner abroad": only on our own full case, to a partner the person consented to (or,
    for a role that may override, to another one with a stated legal basis)."""
    if view.scope != "full":
        return None
    options = selectors.sending_options_for(actor=request.actor, case=view.case)
    if options is None:
        return None
    form = SendForm(choices=_partner_choices(options), auto_id="transnational_%s")
    if not options["may_override"]:
        del form.fields["legal_basis"]
    sent = [(p, field_labels(p.fields)) for p in options["sent"]]
    return {"template": "cases/_transnational.html", "form": form_html(form) if options["choices"] else None,
            "sent": sent, "case": view.case}


@login_required
@require_http_methods(["GET", "POST"])
def keys(request):
    pairs = selectors.keys_for(actor=request.actor)
    form = KeysForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pair = services.organisation_keys_create(actor=request.actor, package_id=form.cleaned_data["package_id"])
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("New keys are ready for %(id)s. Send the new identity card to every "
                                        "partner and read them the fingerprint.") % {"id": pair.package_id})
            return redirect("cases:transnational_keys")
    pairs = list(pairs)
    active = next((p for p in pairs if p.retired_at is None), None)
    return render(request, "cases/transnational/keys.html", {
        "form": form, "active": active, "retired": [p for p in pairs if p.retired_at is not None],
        "fingerprint": format_fingerprint(active.fingerprint) if active else "",
    })


@login_required
@require_GET
def key_card(request):
    """The public identity card: not secret, only as good as the fingerprint check by phone."""
    active = selectors.keys_for(actor=request.actor).filter(retired_at__isnull=True).first()
    if active is None:
        raise Http404
    response = HttpResponse(active.public_card, content_type="application/json")
    filename = active.package_id.replace(":", "_")
    response["Content-Disposition"] = f'attachment; filename="{filename}.card.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def partners(request):
    partners_list = selectors.partners_for(actor=request.actor)
    form = PartnerForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_add(actor=request.actor, name=form.cleaned_data["name"],
                                 country=form.cleaned_data["country"], card=form.card_text(),
                                 fingerprint=form.cleaned_data["fingerprint"])
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The partner is trusted from now on."))
            return redirect("cases:transnational_partners")
    rows = [(p, format_fingerprint(p.fingerprint)) for p in partners_list]
    return render(request, "cases/transnational/partners.html", {"form": form, "rows": rows})


@login_required
@require_POST
def partner_remove(request, partner_id: int):
    services.partner_remove(actor=request.actor, partner_id=partner_id)
    messages.success(request, _("The partner is no longer trusted."))
    return redirect("cases:transnational_partners")


@login_required
@require_POST
def package_send(request, case_id: int):
    """The sealed package leaves as a download; nothing personal is in its name."""
    # No form validation first: the service's gate decides, so a stranger learns nothing from the answer.
    try:
        partner_id = int(request.POST.get("partner") or 0)
        partner_id = partner_id if 0 < partner_id <= MAX_ID else 0
    except ValueError:
        partner_id = 0
    try:
        record, sealed = services.package_send(actor=request.actor, case_id=case_id, partner_id=partner_id,
                                               legal_basis=request.POST.get("legal_basis", "")[:500])
    except ValidationFailed as exc:
        for field_messages in exc.errors.values():
            for message in field_messages:
                messages.error(request, message)
        return back_to_tab(case_id, "transnational")
    response = HttpResponse(sealed, content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{record.package_id}.alliance-package"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def packages(request):
    """Received and sent packages, and the upload of a received one."""
    rows = selectors.packages_for(actor=request.actor)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["package"]
        data = upload.read(services.MAX_PACKAGE_BYTES + 1)
        try:
            record = services.package_receive(actor=request.actor, data=data)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The package is genuine and addressed to you. Review it below."))
            return redirect("cases:transnational_package", package_id=record.pk)
    listed = [(p, field_labels(p.fields)) for p in rows[:200]]
    return render(request, "cases/transnational/packages.html", {"form": form, "rows": listed})


@login_required
@require_GET
def package(request, package_id: int):
    preview = selectors.package_preview_for(actor=request.actor, package_id=package_id)
    return render(request, "cases/transnational/package.html", {
        "preview": preview, "fields": field_labels(preview.fields), "refuse_form": RefuseForm(),
        "fingerprint": preview.sender_fingerprint_display,
    })


@login_required
@require_POST
def package_accept(request, package_id: int):
    try:
        case = services.package_accept(actor=request.actor, package_id=package_id)
    except ValidationFailed as exc:
        for field_messages in exc.errors.values():
            for message in field_messages:
                messages.error(request, message)
        return redirect("cases:transnational_package", package_id=package_id)
    messages.success(request, _("Case %(number)s opened from the package.") % {"number": case.number})
    return redirect("cases:detail", case_id=case.pk)


@login_required
@require_POST
def package_refuse(request, package_id: int):
    form = RefuseForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed({k: list(v) for k, v in form.errors.items()})
        services.package_refuse(actor=request.actor, package_id=package_id, reason=form.cleaned_data["reason"])
    except ValidationFailed as exc:
        for field_messages in exc.errors.values():
            for message in field_messages:
                messages.error(request, message)
        return redirect("cases:transnational_package", package_id=package_id)
    messages.success(request, _("The package is refused; it cannot be imported later."))
    return redirect("cases:transnational_packages")


urlpatterns = [
    path("transnational/keys/", keys, name="transnational_keys"),
    path("transnational/keys/card.json", key_card, name="transnational_card"),
    path("transnational/partners/", partners, name="transnational_partners"),
    path("transnational/partners/<int:partner_id>/remove/", partner_remove, name="transnational_partner_remove"),
    path("transnational/packages/", packages, name="transnational_packages"),
    path("transnational/packages/<int:package_id>/", package, name="transnational_package"),
    path("transnational/packages/<int:package_id>/accept/", package_accept, name="transnational_accept"),
    path("transnational/packages/<int:package_id>/refuse/", package_refuse, name="transnational_refuse"),
    path("<int:case_id>/packages/", package_send, name="transnational_send"),
]
