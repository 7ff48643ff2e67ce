"""What the case file tells the apps that hold data about its person, so that they act on their own data
through their own services and cases imports none of them (docs/architecture.md).

Each signal is sent inside the case's transaction; a receiver returns the names of what it changed or,
for the timeline, (at, kind, organisation, user, label) tuples, and the sender puts them in its audit record
or its page.
"""

from django.dispatch import Signal

# The case is being deleted (erasure): data about the same person elsewhere goes with it. Sent with `case`.
case_erasing = Signal()
# The case is being anonymised: what elsewhere could lead back to the person goes. Sent with `case`.
case_anonymising = Signal()
# The case's timeline is being read by someone who reads the full file: entries from elsewhere (outcome
# bands and dates only, never answers). Sent with `case`.
case_timeline = Signal()


def replies(signal: Signal, **kwargs) -> list:
    """Every receiver's answer, flattened."""
    return [item for _receiver, answer in signal.send(sender=None, **kwargs) for item in (answer or [])]
