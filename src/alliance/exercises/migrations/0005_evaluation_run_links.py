"""Observers' ratings and the decision log move from (scenario package, sandbox realm id) to (run, team).

The data step links each row to the team whose sandbox the realm id names, when that team's run plays the
row's package. A row that names no such team is deleted, on purpose: it was made on a sandbox that no run
owns (a hand-made realm from before runs existed), on a run already purged (its teams no longer name a
realm) or against another scenario than the one the team played; no team can be told with certainty, and a
judgement about people filed under the wrong team is worse than none. The audit log keeps that each was made,
by whom and when (never its value). A whole-run log entry goes to the one run of its package, and is deleted
when the package has no run or several. Runs arrived in the release before this one, so no deployment is
expected to hold such rows; the counts deleted are printed.
"""

import django.db.models.deletion
from django.db import migrations, models


def link_to_runs(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # The updates below would leave deferred FK checks pending, which PostgreSQL refuses before the
        # ALTER TABLEs that follow in this migration.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    Team = apps.get_model("exercises", "Team")
    Run = apps.get_model("exercises", "ExerciseRun")
    deleted = {"ObserverRating": 0, "DecisionLogEntry": 0}
    teams = {(t.realm_id, t.run.scenario_id): t for t in Team.objects.exclude(realm=None).select_related("run")}
    for name in deleted:
        model = apps.get_model("exercises", name)
        orphans = []
        for row in model.objects.only("pk", "package_id", "realm_id").iterator():
            if row.realm_id is None:
                runs = list(Run.objects.filter(scenario_id=row.package_id).values_list("pk", flat=True)[:2])
                if len(runs) == 1:
                    model.objects.filter(pk=row.pk).update(run_id=runs[0])
                else:
                    orphans.append(row.pk)
                continue
            team = teams.get((row.realm_id, row.package_id))
            if team is None:
                orphans.append(row.pk)
            else:
                model.objects.filter(pk=row.pk).update(run_id=team.run_id, team_id=team.pk)
        deleted[name] = model.objects.filter(pk__in=orphans).delete()[0]
    if any(deleted.values()):
        print(f"\n  evaluation_run_links: deleted rows naming no team of a run: {deleted}")


class Migration(migrations.Migration):

    dependencies = [
        ('exercises', '0004_runs'),
    ]

    operations = [
        migrations.RemoveConstraint(model_name='observerrating', name='exercises_one_rating_per_observer'),
        migrations.RemoveIndex(model_name='observerrating', name='exercises_rating_team'),
        migrations.RemoveIndex(model_name='decisionlogentry', name='exercises_decision_log'),
        migrations.AddField(
            model_name='observerrating', name='run',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='ratings',
                                    to='exercises.exerciserun')),
        migrations.AddField(
            model_name='observerrating', name='team',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='ratings',
                                    to='exercises.team')),
        migrations.AddField(
            model_name='decisionlogentry', name='run',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE,
                                    related_name='decision_log', to='exercises.exerciserun')),
        migrations.AddField(
            model_name='decisionlogentry', name='team',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE,
                                    related_name='decision_log', to='exercises.team')),
        migrations.RunPython(link_to_runs, migrations.RunPython.noop),
        migrations.RemoveField(model_name='observerrating', name='package'),
        migrations.RemoveField(model_name='observerrating', name='realm_id'),
        migrations.RemoveField(model_name='decisionlogentry', name='package'),
        migrations.RemoveField(model_name='decisionlogentry', name='realm_id'),
        migrations.AlterField(
            model_name='observerrating', name='run',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='ratings',
                                    to='exercises.exerciserun')),
        migrations.AlterField(
            model_name='observerrating', name='team',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='ratings',
                                    to='exercises.team')),
        migrations.AlterField(
            model_name='decisionlogentry', name='run',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='decision_log',
                                    to='exercises.exerciserun')),
        migrations.AddConstraint(
            model_name='observerrating',
            constraint=models.UniqueConstraint(fields=('team', 'capability_target', 'observer_id'),
                                               name='exercises_one_rating_per_observer')),
        migrations.AddIndex(model_name='observerrating',
                            index=models.Index(fields=['run', 'team'], name='exercises_rating_team')),
        migrations.AddIndex(model_name='decisionlogentry',
                            index=models.Index(fields=['run', 'team', 'at'], name='exercises_decision_log')),
    ]
