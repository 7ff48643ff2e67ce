"""Investigations under each relation of the permission matrix (tests/test_permission_matrix.py); no tests of
its own.

own: an investigation of the matrix member's organisation, in the live realm, that the member leads;
shared: another organisation's, with the member on its team (a joint investigation team); other_org: another
organisation's, the member not on its team; other_realm: one the member leads in an exercise realm (never
reachable from the live realm). The team rows are written directly, for every role, so that a role that
works no investigation is refused by its role even when it sits on a team. Each investigation has a source,
an entity, and a hit of a third agency's cross-reference waiting for its lead's decision.
"""

from __future__ import annotations

import itertools
import json

from django.core.files.uploadedfile import SimpleUploadedFile

from alliance.investigations.models import (
    Entity,
    EntityKey,
    Investigation,
    InvestigationMember,
    Source,
    XrefHit,
    XrefRequest,
)
from tests import factories

MATRIX_WEB = {
    "investigations:list": ("GET", "/investigations/"),
    "investigations:new": ("GET", "/investigations/new/"),
    "investigations:detail": ("GET", "/investigations/{investigation}/"),
    "investigations:source_add": ("POST", "/investigations/{investigation}/sources/"),
    "investigations:import": ("POST", "/investigations/{investigation}/import/"),
    "investigations:export": ("GET", "/investigations/{investigation}/export.ftm"),
    "investigations:spreadsheet": ("POST", "/investigations/{investigation}/spreadsheet/"),
    "investigations:member_add": ("POST", "/investigations/{investigation}/team/"),
    "investigations:xref": ("POST", "/investigations/{investigation}/xref/"),
    "investigations:disclosures": ("GET", "/investigations/disclosures/"),
    "investigations:decide": ("POST", "/investigations/hits/{hit}/decision/"),
    "investigations:judge": ("POST", "/investigations/hits/{own_hit}/judgement/"),
}
MATRIX_API = {
    "investigation_list": ("GET", "/api/v1/investigations"),
    "investigation_open": ("POST", "/api/v1/investigations"),
    "disclosure_list": ("GET", "/api/v1/investigations/disclosures"),
    "investigation_get": ("GET", "/api/v1/investigations/{investigation}"),
    "member_add": ("POST", "/api/v1/investigations/{investigation}/members"),
    "source_create": ("POST", "/api/v1/investigations/{investigation}/sources"),
    "entities_add": ("POST", "/api/v1/investigations/{investigation}/entities"),
    "entity_list": ("GET", "/api/v1/investigations/{investigation}/entities"),
    "table_import": ("POST", "/api/v1/investigations/{investigation}/tables"),
    "investigation_export": ("GET", "/api/v1/investigations/{investigation}/export.ftm"),
    "investigation_xref": ("POST", "/api/v1/investigations/{investigation}/xref"),
    "investigation_hits": ("GET", "/api/v1/investigations/{investigation}/hits"),
    "disclosure_decide": ("POST", "/api/v1/investigations/hits/{hit}/decision"),
    "pair_judge": ("POST", "/api/v1/investigations/hits/{own_hit}/judgement"),
}
_ids = itertools.count(1)


def is_matrix_endpoint(name: str, api: bool) -> bool:
    return name in (MATRIX_API if api else MATRIX_WEB)


def _investigation(world, relation: str, membership) -> dict:
    made = world.setdefault("investigations", {})
    key = (relation, membership.pk)
    if key in made:
        return made[key]
    from alliance.directory.selectors import live_realm

    other = world["cases"]["other_org"].owner_organisation
    realm = world["cases"]["other_realm"].realm if relation == "other_realm" else live_realm()
    organisation = other if relation in ("shared", "other_org") else world["mine"]
    investigation = Investigation.objects.create(realm=realm, organisation=organisation, number=f"M-{next(_ids)}",
                                                 title=f"Matrix {relation}", purpose="p", legal_basis="CPC")
    lead = factories.member(organisation, ["investigator"])
    InvestigationMember.objects.create(investigation=investigation, user=lead.user, role="lead")
    if relation in ("own", "other_realm"):
        InvestigationMember.objects.create(investigation=investigation, user=membership.user, role="lead")
    elif relation == "shared":
        InvestigationMember.objects.create(investigation=investigation, user=membership.user, role="member")
    source = Source.objects.create(realm=realm, investigation=investigation, organisation=organisation,
                                   kind="police_report", reference="RR-M", legal_basis="CPC")
    entity = Entity.objects.create(realm=realm, investigation=investigation, source=source, ftm_id="p-1",
                                   schema="Person", caption="Mat Rix", properties={"name": ["Mat Rix"]})
    EntityKey.objects.create(entity=entity, investigation=investigation, realm=realm, kind="name",
                             value="name:mat rix")
    # A third agency's request that hit this investigation's entity: the lead's decision endpoints.
    third = Investigation.objects.create(realm=realm, organisation=world["third"], number=f"M-{next(_ids)}",
                                         title="Requester", purpose="p", legal_basis="CPC")
    third_source = Source.objects.create(realm=realm, investigation=third, organisation=world["third"],
                                         kind="police_report", reference="RR-T", legal_basis="CPC")
    theirs = Entity.objects.create(realm=realm, investigation=third, source=third_source, ftm_id="t-1",
                                   schema="Person", caption="Mat Rix", properties={"name": ["Mat Rix"]})
    request = XrefRequest.objects.create(realm=realm, investigation=third, legal_basis="CPC", purpose="p")
    hit = XrefHit.objects.create(request=request, entity=theirs, other_entity=entity,
                                 other_investigation=investigation, score=0.9, reasons=["names are identical"])
    # And this investigation's own request, hitting the third agency's entity: the team's judgement.
    own_request = XrefRequest.objects.create(realm=realm, investigation=investigation, legal_basis="CPC",
                                             purpose="p")
    own_hit = XrefHit.objects.create(request=own_request, entity=entity, other_entity=theirs,
                                     other_investigation=third, score=0.9, reasons=["names are identical"])
    made[key] = {"investigation": investigation.pk, "source": source.pk, "hit": hit.pk, "own_hit": own_hit.pk,
                 "colleague": factories.member(world["mine"], ["analyst"]).user.email,
                 "colleague_id": None}
    return made[key]


def _entity() -> dict:
    return {"id": f"m-{next(_ids)}", "schema": "Person", "properties": {"name": ["Nova Person"]}}


_SHEET_MAPPING = "p: {schema: Person, keys: [ref], properties: {name: {column: name}}}"


def _sheet() -> SimpleUploadedFile:
    return SimpleUploadedFile("m.csv", f"ref,name\nm-{next(_ids)},Nova Person\n".encode())


def _web_body(name: str, ids: dict) -> dict:
    if name == "investigations:source_add":
        return {"kind": "police_report", "reference": "RR-9", "legal_basis": "CPC"}
    if name == "investigations:import":
        return {"source": ids["source"],
                "file": SimpleUploadedFile("m.ftm.json", json.dumps(_entity()).encode())}
    if name == "investigations:spreadsheet":
        return {"source": ids["source"], "file": _sheet(), "mapping": _SHEET_MAPPING}
    if name == "investigations:member_add":
        return {"email": ids["colleague"], "role": "member"}
    if name == "investigations:xref":
        return {"legal_basis": "CPC", "purpose": "matrix"}
    if name == "investigations:decide":
        return {"decision": "refuse", "note": "matrix"}
    if name == "investigations:judge":
        return {"verdict": "unsure", "investigation": ids["investigation"]}
    return {}


def _api_body(name: str, ids: dict) -> dict:
    from alliance.directory.models import User

    if name == "investigation_open":
        return {"title": "API", "purpose": "p", "legal_basis": "CPC"}
    if name == "member_add":
        return {"user_id": User.objects.get(email=ids["colleague"]).pk, "role": "member"}
    if name == "source_create":
        return {"kind": "police_report", "reference": "RR-9", "legal_basis": "CPC"}
    if name == "entities_add":
        return {"source_id": ids["source"], "entities": [_entity()]}
    if name == "investigation_xref":
        return {"legal_basis": "CPC", "purpose": "matrix"}
    if name == "disclosure_decide":
        return {"approve": False, "note": "matrix"}
    if name == "pair_judge":
        return {"verdict": "unsure"}
    return {}


def matrix_request(client, name: str, *, api: bool, relation: str, world, membership, token: str | None):
    ids = _investigation(world, "own" if relation == "anonymous" else relation, membership)
    method, template = (MATRIX_API if api else MATRIX_WEB)[name]
    path = template.format(**ids)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if api and token else {}
    if method == "GET":
        return client.get(path, **headers)
    if api and name == "table_import":  # multipart, like the page
        return client.post(path, {"source_id": ids["source"], "mapping": _SHEET_MAPPING, "file": _sheet()}, **headers)
    if api:
        return client.post(path, _api_body(name, ids), content_type="application/json", **headers)
    return client.post(path, _web_body(name, ids), **headers)


def policy_world(organisations, realms) -> tuple[list[Investigation], list[XrefHit]]:
    """For the policy property test (tests/core/test_policy_properties.py): an investigation of each
    organisation in each realm, each with a hit of a cross-reference from the next one in the list."""
    investigations, entities = [], []
    for realm in realms:
        for organisation in organisations:
            investigation = Investigation.objects.create(realm=realm, organisation=organisation,
                                                         number=f"P-{next(_ids)}", title="t", purpose="p",
                                                         legal_basis="l")
            source = Source.objects.create(realm=realm, investigation=investigation, organisation=organisation,
                                           kind="other", reference="r", legal_basis="l")
            entities.append(Entity.objects.create(realm=realm, investigation=investigation, source=source,
                                                  ftm_id="e", schema="Person", caption="c", properties={}))
            investigations.append(investigation)
    hits = []
    for index, investigation in enumerate(investigations):
        requester = investigations[index ^ 1]  # the other organisation's, in the same realm
        request = XrefRequest.objects.create(realm=requester.realm, investigation=requester, legal_basis="l",
                                             purpose="p")
        hits.append(XrefHit.objects.create(request=request, entity=entities[index ^ 1], other_entity=entities[index],
                                           other_investigation=investigation, score=0.9))
    return investigations, hits
