"""Screenings under each relation of the permission matrix (tests/test_permission_matrix.py).

own: made by the matrix member's organisation; shared: screenings are never shared, so the other
organisation's one stands in (and must be refused); other_org: another organisation's; other_realm: the
member's organisation's, in an exercise realm. A referral consumes its screening, so each refer call gets a
fresh one; a publication consumes its draft, so each publish call gets a fresh draft.
"""

from __future__ import annotations

import itertools

from alliance.core import roles as R
from alliance.screening.domain.catalogue import current, load_catalogues
from alliance.screening.services import screening_submit
from tests import factories
from tests.screening import screening_world

POSITIVE = [("ilo-ec-operational", i) for i in ("dr-job-nature", "dr-conditions", "ec-hours", "ec-wages",
                                                "cd-documents", "cd-debt")]
_versions = itertools.count(1)
_languages = itertools.count(0)


def _fresh_code() -> str:
    """An unused language code for each add or publish call: ISO 639's local-use range, qaa..qtz."""
    n = next(_languages) % (20 * 26)
    return "q" + "abcdefghijklmnopqrst"[n // 26] + "abcdefghijklmnopqrstuvwxyz"[n % 26]

MATRIX_WEB = {
    "screening:home": ("GET", "/screening/"),
    "screening:interview": ("GET", "/screening/interview/?interviewer=en&interviewee=ar"),
    "screening:submit": ("POST", "/screening/submit/"),
    "screening:detail": ("GET", "/screening/{screening}/"),
    "screening:refer": ("POST", "/screening/{fresh}/refer/"),
    "screening:dashboard": ("GET", "/screening/dashboard/"),
    "screening:catalogues": ("GET", "/screening/catalogues/"),
    "screening:catalogue": ("GET", "/screening/catalogues/{catalogue}/"),
    "screening:catalogue_draft": ("POST", "/screening/catalogues/{catalogue}/draft/"),
    "screening:catalogue_edit": ("GET", "/screening/catalogues/{draft}/edit/?language=fa"),
    "screening:catalogue_publish": ("POST", "/screening/catalogues/{fresh_draft}/publish/"),
    "screening:xlsform": ("GET", "/screening/xlsform.xlsx"),
    "screening:languages": ("GET", "/screening/languages/"),
    "screening:language_add": ("POST", "/screening/languages/add-language/"),
    "screening:language": ("GET", "/screening/languages/{language}/"),
    "screening:language_publish": ("POST", "/screening/languages/{fresh_language}/publish/"),
}
MATRIX_API = {
    "screening_catalogue_list": ("GET", "/api/v1/screening/catalogues"),
    "screening_catalogue_get": ("GET", "/api/v1/screening/catalogues/ilo-11/2012.1"),
    "screening_interview": ("GET", "/api/v1/screening/interview"),
    "screening_xlsform": ("GET", "/api/v1/screening/xlsform"),
    "screening_dashboard": ("GET", "/api/v1/screening/dashboard"),
    "screening_submit": ("POST", "/api/v1/screenings"),
    "screening_list": ("GET", "/api/v1/screenings"),
    "screening_get": ("GET", "/api/v1/screenings/{screening}"),
    "screening_score": ("GET", "/api/v1/screenings/{screening}/score"),
    "screening_refer": ("POST", "/api/v1/screenings/{fresh}/referral"),
}


def is_matrix_endpoint(name: str, api: bool) -> bool:
    return name in (MATRIX_API if api else MATRIX_WEB)


def payload(yes=POSITIVE, **overrides) -> dict:
    return screening_world.payload(yes=yes, **{"age": 30, "citizenship": "XW", **overrides})


def _screener(world, relation: str):
    """Someone who screens for the organisation behind the relation, in the relation's realm."""
    if relation in ("shared", "other_org"):
        return factories.actor(factories.member(world["cases"]["other_org"].owner_organisation,
                                                [R.FRONTLINE_RESPONDER]))
    if relation == "other_realm":
        realm = world["cases"]["other_realm"].realm
        trainer = factories.member(world["mine"], [R.TRAINER])
        realm.participants.add(trainer.user)
        return factories.actor(trainer, realm)
    return factories.actor(factories.member(world["mine"], [R.FRONTLINE_RESPONDER]))


def _screening(world, relation: str, *, fresh: bool = False) -> int:
    load_catalogues()
    made = world.setdefault("screenings", {})
    if fresh or relation not in made:
        made[relation] = screening_submit(actor=_screener(world, relation), payload=payload())[0].pk
    return made[relation]


def _draft(world, *, fresh: bool = False) -> int:
    from alliance.screening.services.catalogues import catalogue_draft

    if fresh or "draft" not in world:
        admin = factories.actor(factories.member(world["mine"], [R.SYSTEM_ADMINISTRATOR]))
        world["draft"] = catalogue_draft(actor=admin, catalogue_id=current("ilo-11").pk,
                                         version=f"2100.{next(_versions)}").pk
    return world["draft"]


def _language(world, *, fresh: bool = False) -> str:
    """An added interview language with every phrase translated, not yet published: a publication consumes
    it, so each publish call gets a fresh one."""
    from alliance.screening.domain import phrases
    from alliance.screening.services.languages import language_add, language_update

    if fresh or "language" not in world:
        admin = factories.actor(factories.member(world["mine"], [R.SYSTEM_ADMINISTRATOR]))
        code = language_add(actor=admin, code=_fresh_code(), name="Matrix", direction="ltr").code
        language_update(actor=admin, code=code, texts={key: f"Matrix {key}" for key in phrases.phrase_keys()})
        world["language"] = code
    return world["language"]


def matrix_request(client, name: str, *, api: bool, relation: str, world, membership, token: str | None):
    relation = "own" if relation == "anonymous" else relation
    load_catalogues()
    method, template = (MATRIX_API if api else MATRIX_WEB)[name]
    ids = {}
    if "{screening}" in template:
        ids["screening"] = _screening(world, relation)
    if "{fresh}" in template:
        ids["fresh"] = _screening(world, relation, fresh=True)
    if "{catalogue}" in template:
        ids["catalogue"] = current("ilo-11").pk
    if "{draft}" in template:
        ids["draft"] = _draft(world)
    if "{fresh_draft}" in template:
        ids["fresh_draft"] = _draft(world, fresh=True)
    if "{language}" in template:
        ids["language"] = _language(world)
    if "{fresh_language}" in template:
        ids["fresh_language"] = _language(world, fresh=True)
    path = template.format(**ids)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if api and token else {}
    third = world["third"].pk
    if method == "GET":
        return client.get(path, **headers)
    if api:
        body = {"screening_submit": payload(),
                "screening_refer": {"given_name": "Matrix", "family_name": "Person", "organisation_id": third,
                                    "consent": True}}[name]
        return client.post(path, body, content_type="application/json", **headers)
    body = {
        "screening:submit": _form_of(payload()),
        "screening:refer": {"given_name": "Matrix", "family_name": "Person", "organisation": str(third),
                            "scope": "limited", "consent": "on"},
        "screening:catalogue_draft": {"version": f"2200.{next(_versions)}"},
        "screening:language_add": {"code": _fresh_code(), "name": "Matrix", "direction": "ltr"},
    }.get(name, {})
    return client.post(path, body)


def _form_of(body: dict) -> dict:
    """The no-JS interview form's fields for a payload (screening/views/interview.py reads these)."""
    form = {"interviewer": body["interviewer_language"], "interviewee": body["interviewee_language"],
            "client_uuid": body["client_uuid"], "started_at": body["started_at"],
            "catalogue": [f"{c['code']}@{c['version']}" for c in body["catalogues"]], "sex": body["sex"],
            "age": str(body["age"]), "citizenship": body["citizenship"], "work_type": body["work_type"]}
    for answer in body["answers"]:
        form[f"a:{answer['catalogue']}:{answer['indicator']}"] = answer["answer"]
    return form
