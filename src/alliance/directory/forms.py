from django import forms
from django.utils.translation import gettext_lazy as _

from alliance.core.roles import ROLE_CHOICES
from alliance.directory.models import Organisation


class StaffAddForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    email = forms.EmailField(label=_("E-mail"))
    display_name = forms.CharField(label=_("Name"), max_length=150)
    password = forms.CharField(label=_("Initial password (at least 12 characters)"), widget=forms.PasswordInput,
                               max_length=512)
    roles = forms.MultipleChoiceField(label=_("Roles"), choices=ROLE_CHOICES, widget=forms.CheckboxSelectMultiple)
    is_organisation_admin = forms.BooleanField(label=_("Administers this organisation's staff"), required=False)


class MembershipForm(forms.Form):
    roles = forms.MultipleChoiceField(label=_("Roles"), choices=ROLE_CHOICES, widget=forms.CheckboxSelectMultiple)
    is_organisation_admin = forms.BooleanField(label=_("Administers this organisation's staff"), required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False)


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name of the token"), max_length=100)
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=365, initial=90)


class RealmOrganisationsMixin:
    """A form whose organisation choices are those of one realm (directory.selectors.organisations_in_realm):
    a live page never lists a sandbox agency, a sandbox page never another team's. The view passes its actor's
    realm; without one the lists stay empty rather than open (deny by default)."""

    def __init__(self, *args, realm_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        from alliance.directory.selectors import organisations_in_realm

        allowed = organisations_in_realm(realm_id=realm_id) if realm_id else Organisation.objects.none()
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField) and field.queryset.model is Organisation:
                field.queryset = allowed
