"""Training: programmes and selection, scenario packages, exercise runs in team sandboxes, evaluation, debriefs.

Issue 10. The exercise realms themselves are `core.Realm` rows of kind "exercise"; this app owns everything
that makes them a training: who applied and was chosen, the scenario played, the injects, the scores.
"""
