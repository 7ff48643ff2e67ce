"""Referrals made from a screening used to get the purpose "Screening at reception: <outcome band>" when none
was typed, and a limited or waiting receiver reads a share's purpose: "Child with indicators: child
procedure" told them the person is a child, which the access policy withholds from them. Such stored
purposes, in every language the interface speaks, become the neutral text the service now writes."""

from django.conf import settings
from django.db import migrations
from django.utils import translation
from django.utils.translation import gettext

OUTCOMES = ("No indicators", "Indicators present: monitor and inform", "Presumed victim: refer now",
            "Child with indicators: child procedure")


def neutral_purposes(apps, schema_editor):
    CaseShare = apps.get_model("cases", "CaseShare")
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            neutral = gettext("Referral after a screening at reception")
            old = [gettext("Screening at reception: %(outcome)s") % {"outcome": gettext(outcome)}
                   for outcome in OUTCOMES]
        CaseShare.objects.filter(purpose__in=old).update(purpose=neutral)


class Migration(migrations.Migration):
    dependencies = [("screening", "0006_screening_record_key"), ("cases", "0010_owner_newest_index")]

    operations = [migrations.RunPython(neutral_purposes, migrations.RunPython.noop)]
