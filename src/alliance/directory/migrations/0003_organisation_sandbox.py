# Issue 10: an organisation may belong to one exercise sandbox realm (`sandbox`; None: the live installation).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_live_realm_and_append_only_audit'),
        ('directory', '0002_index_without_pattern_ops'),
    ]

    operations = [
        migrations.RemoveConstraint(model_name='organisation', name='directory_org_unique_name'),
        migrations.AddField(
            model_name='organisation',
            name='sandbox',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name='+', to='core.realm'),
        ),
        migrations.AddConstraint(
            model_name='organisation',
            constraint=models.UniqueConstraint(condition=models.Q(('sandbox__isnull', True)), fields=('name', 'country'),
                                               name='directory_org_unique_name'),
        ),
        migrations.AddConstraint(
            model_name='organisation',
            constraint=models.UniqueConstraint(condition=models.Q(('sandbox__isnull', False)),
                                               fields=('name', 'country', 'sandbox'),
                                               name='directory_org_unique_name_in_realm'),
        ),
    ]
