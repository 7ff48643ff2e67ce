from django.core.management.base import BaseCommand

from alliance.exercises.demo import PROGRAMME_TITLE, RUN_NAME
from alliance.exercises.models import ExerciseRun
from alliance.web.demo import DEMO_PASSWORD, load_demo, login_table


def training_run():
    return ExerciseRun.objects.filter(name=RUN_NAME).first()


class Command(BaseCommand):
    help = "Load the fictitious Dreamland demo (agencies, one account per role, cases, an exercise) and print log-ins."

    def handle(self, *args, **options):
        result = load_demo()
        if result["created"]:
            self.stdout.write(self.style.SUCCESS(f"Dreamland demo loaded: {result['created']} accounts, "
                                                 f"{result['cases']} cases."))
        else:
            self.stdout.write("Dreamland demo already loaded.")
        self.stdout.write("\nDemo log-ins (all fictitious; password for every account: "
                          f"{DEMO_PASSWORD}):")
        for email, roles, agency in login_table():
            self.stdout.write(f"  {email:<34} {roles:<45} {agency}")
        run = training_run()
        if run is not None:
            self.stdout.write(f"\nTraining: the programme \"{PROGRAMME_TITLE}\" (251 participants from 51 States), "
                              "three Dreamland scenarios, and the run below, ready to start:")
            self.stdout.write(f"  {run.name} ({run.teams.count()} team sandboxes): console /exercises/runs/{run.pk}/")
            self.stdout.write("  controller trainer@dreamland.example, observer observer@dreamland.example, "
                              "role-player roleplayer@dreamland.example,")
            self.stdout.write("  trainee trainee@dreamland.example (team 1: /exercises/runs/inbox/ after switching "
                              "to the team's sandbox); programmes and scenarios: training@migration-routes.example")
        self.stdout.write("\nOpen http://127.0.0.1:8000 and log in. Set ALLIANCE_REQUIRE_SECOND_FACTOR=1 to demand "
                          "a second factor from every role that reads personal data, as production does.")
