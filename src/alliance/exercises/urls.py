from django.urls import path

from alliance.exercises.views import console, roleplayer, trainee

app_name = "exercises"

urlpatterns: list = [
    # Exercise runs (issue 10): the console for exercise control, the inbox for trainees in a sandbox.
    path("runs/", console.run_list, name="run_list"),
    path("runs/<int:run_id>/", console.console, name="run_console"),
    path("runs/<int:run_id>/clock/<slug:verb>", console.clock, name="run_clock"),
    path("runs/<int:run_id>/release", console.release, name="run_release"),
    path("runs/<int:run_id>/roleplayer", roleplayer.roleplayer, name="run_roleplayer"),
    path("runs/inbox/", trainee.inbox, name="run_inbox"),
    path("runs/inbox/poll", trainee.inbox_poll, name="run_inbox_poll"),
    path("runs/inbox/<int:release_id>/read", trainee.inbox_read, name="run_inbox_read"),
    path("runs/inbox/<int:release_id>/evidence/<path:path>", trainee.inbox_evidence, name="run_inbox_evidence"),
]
