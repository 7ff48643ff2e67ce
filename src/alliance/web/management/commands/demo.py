from django.core.management.base import BaseCommand

from alliance.web.demo import DEMO_PASSWORD, load_demo, login_table


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
        self.stdout.write("\nOpen http://127.0.0.1:8000 and log in. Set ALLIANCE_REQUIRE_SECOND_FACTOR=1 to demand "
                          "a second factor from every role that reads personal data, as production does.")
