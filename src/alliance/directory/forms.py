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
