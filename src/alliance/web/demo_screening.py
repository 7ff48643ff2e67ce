"""Demo screenings at the Dreamland first reception centre: a month of interviews for the facility
dashboard, a few taken offline, two of them referred to the shelter. Everything is fictitious and seeded,
so the demo looks the same on every machine."""

from __future__ import annotations

import datetime as dt
import random
import uuid

from django.utils import timezone

from alliance.screening.domain.interview import current_interview, section_shown
from alliance.screening.services import screening_refer, screening_submit

SCREENINGS = 60
CITIZENSHIPS = ["XW", "XW", "XW", "XE", "XE", "XT", "XP", "XM", ""]
LANGUAGES = ["ar", "ar", "fa", "ps", "fr", "uk", "tr", "ru", "es"]
# Referred from the demo (fictitious names): (given, family)
REFERRED = [("Amina", "Haddad"), ("Yusuf", "Rahimi")]


def load_screenings(*, actor, shelter_id: int) -> int:
    rng = random.Random(2026)  # noqa: S311  (seeded fictitious demo data, not secrets)
    interview = current_interview()
    catalogues = [{"code": c.code, "version": c.version} for c in interview.catalogues]
    now = timezone.now()
    stored = []
    for n in range(SCREENINGS):
        age = rng.choice([None, 15, 16, 19, 22, 24, 27, 31, 35, 42, 55])
        is_child = age is not None and age < 18
        work_type = rng.choice(["none", "none", "labour", "labour", "sexual", "both"])
        # Most people show no indicator; some a few; a handful many (the pattern of the IOM surveys).
        weight = rng.choice([0, 0, 0, 0, 0.05, 0.1, 0.15, 0.5])
        answers = []
        for section in interview.sections:
            if not section_shown(section, is_child=is_child, work_type=work_type):
                continue
            for q in section.questions:
                answer = "yes" if rng.random() < weight else rng.choice(["no", "no", "no", "unknown", "declined"])
                answers.append({"catalogue": q.catalogue, "indicator": q.indicator, "answer": answer,
                                "source": "observed" if q.observe else "self_reported"})
        finished = now - dt.timedelta(days=rng.randint(0, 29), hours=rng.randint(0, 8), minutes=rng.randint(0, 59))
        payload = {
            "client_uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "started_at": (finished - dt.timedelta(minutes=rng.randint(8, 25))).isoformat(),
            "finished_at": finished.isoformat(), "offline": n % 9 == 0,
            "interviewer_language": "en", "interviewee_language": rng.choice(LANGUAGES),
            "interpreter": rng.random() < 0.6, "catalogues": catalogues,
            "sex": rng.choice(["female", "female", "male", "male", "unknown"]), "age": age,
            "is_child": is_child, "citizenship": rng.choice(CITIZENSHIPS), "work_type": work_type,
            "urgent": n == 7, "answers": answers,
        }
        screening, _created = screening_submit(actor=actor, payload=payload)
        stored.append(screening)
    referable = [s for s in stored if s.outcome == "refer" and not s.is_child]
    for (given, family), screening in zip(REFERRED, referable, strict=False):
        screening_refer(actor=actor, screening_id=screening.pk, given_name=given, family_name=family,
                        organisation_id=shelter_id, consent=True, purpose="Shelter placement after screening")
    return len(stored)
