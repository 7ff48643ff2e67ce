"""The catalogue editor: an administrator adds a translation or a new version without code. A published
version never changes; a version missing any language's text for any question cannot be published; once
published, new interviews use it while old screenings keep the version they were made with."""

from __future__ import annotations

import pytest

from alliance.core import roles as R
from alliance.core.errors import Forbidden, ValidationFailed
from alliance.core.models import AuditEvent
from alliance.directory.services import token_issue
from alliance.screening.domain import catalogue as catalogues
from alliance.screening.domain import languages
from alliance.screening.domain.interview import SCREEN, current_interview
from alliance.screening.models import Catalogue
from alliance.screening.services import catalogues as editor
from alliance.screening.services import screening_submit
from tests import factories
from tests.screening import screening_world as world

pytestmark = pytest.mark.django_db


def _screen() -> Catalogue:
    return catalogues.current(SCREEN)


def _snapshot(row: Catalogue) -> tuple:
    row.refresh_from_db()
    return row.content, row.sha256, row.published_at, row.retired_at, row.title


def _fill(admin, draft: Catalogue, text: str = "Changed {code}") -> None:
    for code in languages.CODES:
        editor.catalogue_set_texts(actor=admin, catalogue_id=draft.pk, language=code, texts={
            item["id"]: text.format(code=code) for item in draft.content["indicators"]})


def test_a_draft_is_copied_from_a_published_version(loaded, admin):
    published = _screen()
    draft = editor.catalogue_draft(actor=admin, catalogue_id=published.pk, version=" 2026.2 ")
    assert draft.is_draft and draft.version == "2026.2" and draft.code == SCREEN
    assert draft.based_on_id == published.pk and draft.created_by_id == admin.user_id
    assert draft.content["version"] == "2026.2"
    assert {k: v for k, v in draft.content.items() if k != "version"} == {
        k: v for k, v in published.content.items() if k != "version"}
    assert catalogues.current(SCREEN) == published  # a draft is never used
    event = AuditEvent.objects.filter(action="admin", object_type="catalogue", object_id=str(draft.pk)).get()
    assert event.user_id == admin.user_id


@pytest.mark.parametrize("version", ["2026", "v2", "2026.0", "26.1", "", "2026.1.1", "2016.1"])
def test_a_bad_or_existing_version_is_refused(loaded, admin, version):
    before = Catalogue.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        editor.catalogue_draft(actor=admin, catalogue_id=_screen().pk, version=version)
    assert "version" in refused.value.errors
    assert Catalogue.objects.count() == before


def test_no_draft_from_a_draft(loaded, admin):
    draft = editor.catalogue_draft(actor=admin, catalogue_id=_screen().pk, version="2026.2")
    with pytest.raises(ValidationFailed, match="published version"):
        editor.catalogue_draft(actor=admin, catalogue_id=draft.pk, version="2026.3")


def test_a_published_version_cannot_be_edited(loaded, admin):
    published = _screen()
    before = _snapshot(published)
    ident = published.content["indicators"][0]["id"]
    with pytest.raises(ValidationFailed, match="never changes"):
        editor.catalogue_set_texts(actor=admin, catalogue_id=published.pk, language="fa",
                                   texts={ident: "something else"})
    with pytest.raises(ValidationFailed, match="never changes"):
        editor.catalogue_set_title(actor=admin, catalogue_id=published.pk, title="Another title")
    assert _snapshot(published) == before


def test_publishing_with_one_language_missing_is_refused_and_names_it(loaded, admin):
    published = _screen()
    draft = editor.catalogue_draft(actor=admin, catalogue_id=published.pk, version="2026.2")
    first = draft.content["indicators"][0]["id"]
    # A blank text removes the text.
    editor.catalogue_set_texts(actor=admin, catalogue_id=draft.pk, language="fa", texts={first: "   "})
    before = _snapshot(draft)
    assert "fa" not in draft.content["indicators"][0]["question"]
    with pytest.raises(ValidationFailed) as refused:
        editor.catalogue_publish(actor=admin, catalogue_id=draft.pk)
    assert refused.value.errors == {"__all__": ["fa: 1 question missing"]}
    assert _snapshot(draft) == before and draft.is_draft
    assert catalogues.current(SCREEN) == published


def test_after_filling_it_publish_works_and_new_interviews_use_it(loaded, admin):
    old = _screen()
    conductor = world.conductor()
    screening, _created = screening_submit(actor=conductor, payload=world.payload(loaded))
    draft = editor.catalogue_draft(actor=admin, catalogue_id=old.pk, version="2026.2")
    first = draft.content["indicators"][0]["id"]
    editor.catalogue_set_texts(actor=admin, catalogue_id=draft.pk, language="fa", texts={first: ""})
    with pytest.raises(ValidationFailed):
        editor.catalogue_publish(actor=admin, catalogue_id=draft.pk)
    editor.catalogue_set_texts(actor=admin, catalogue_id=draft.pk, language="fa", texts={first: "  پرسش تازه  "})
    editor.catalogue_set_texts(actor=admin, catalogue_id=draft.pk, language="en", texts={first: "A clearer question?"})
    published = editor.catalogue_publish(actor=admin, catalogue_id=draft.pk)

    assert published.published_at is not None and published.sha256 == catalogues.fingerprint(published.content)
    assert catalogues.current(SCREEN) == published
    interview = current_interview()
    assert interview.catalogue(SCREEN).version == "2026.2"
    assert interview.question(SCREEN, first).text["fa"] == "پرسش تازه"  # trimmed
    assert interview.question(SCREEN, first).text["en"] == "A clearer question?"
    # The screening made before keeps the version it was made with, unchanged.
    old_row = Catalogue.objects.get(pk=old.pk)
    assert list(screening.catalogues.filter(code=SCREEN)) == [old_row]
    assert old_row.content == old.content and old_row.sha256 == old.sha256
    # A new screening is made with the new version.
    second, _created = screening_submit(actor=conductor, payload=world.payload(interview))
    assert second.catalogues.get(code=SCREEN).version == "2026.2"
    with pytest.raises(ValidationFailed, match="already published"):
        editor.catalogue_publish(actor=admin, catalogue_id=published.pk)


def test_retire(loaded, admin):
    old = _screen()
    draft = editor.catalogue_draft(actor=admin, catalogue_id=old.pk, version="2026.2")
    with pytest.raises(ValidationFailed, match="Only a published version"):
        editor.catalogue_retire(actor=admin, catalogue_id=draft.pk)
    # The interview always keeps one version of each of its catalogues in use.
    with pytest.raises(ValidationFailed, match="only version"):
        editor.catalogue_retire(actor=admin, catalogue_id=old.pk)
    assert _snapshot(old)[3] is None
    new = editor.catalogue_publish(actor=admin, catalogue_id=draft.pk)
    retired = editor.catalogue_retire(actor=admin, catalogue_id=old.pk)
    assert retired.retired_at is not None and catalogues.current(SCREEN) == new
    with pytest.raises(ValidationFailed, match="already retired"):
        editor.catalogue_retire(actor=admin, catalogue_id=old.pk)
    with pytest.raises(ValidationFailed, match="only version"):
        editor.catalogue_retire(actor=admin, catalogue_id=new.pk)
    # A catalogue the interview does not use may be retired whole.
    ilo = catalogues.current("ilo-11")
    editor.catalogue_retire(actor=admin, catalogue_id=ilo.pk)
    assert catalogues.current("ilo-11") is None


def test_retiring_the_newest_falls_back_to_the_previous_version(loaded, admin):
    old = _screen()
    draft = editor.catalogue_draft(actor=admin, catalogue_id=old.pk, version="2026.2")
    new = editor.catalogue_publish(actor=admin, catalogue_id=draft.pk)
    editor.catalogue_retire(actor=admin, catalogue_id=new.pk)
    assert catalogues.current(SCREEN) == old and current_interview().catalogue(SCREEN).version == old.version


@pytest.mark.parametrize(("language", "texts", "field"), [
    ("xx", {"worked-unpaid": "Text"}, "language"),
    ("dari", {"worked-unpaid": "Text"}, "language"),
    ("fa", {"worked-unpaid": "Text", "no-such-indicator": "Text"}, "texts"),
    ("fa", {"worked-unpaid": "x" * 501}, "worked-unpaid"),
    ("fa", {"worked-unpaid": 7}, "worked-unpaid"),
])
def test_bad_language_or_unknown_indicator_is_refused_and_changes_nothing(loaded, admin, language, texts, field):
    draft = editor.catalogue_draft(actor=admin, catalogue_id=_screen().pk, version="2026.2")
    before = _snapshot(draft)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        editor.catalogue_set_texts(actor=admin, catalogue_id=draft.pk, language=language, texts=texts)
    assert field in refused.value.errors
    assert _snapshot(draft) == before and AuditEvent.objects.count() == events


def test_title_of_a_draft(loaded, admin):
    draft = editor.catalogue_draft(actor=admin, catalogue_id=_screen().pk, version="2026.2")
    editor.catalogue_set_title(actor=admin, catalogue_id=draft.pk, title="  Five questions  ")
    draft.refresh_from_db()
    assert draft.title == "Five questions" and draft.content["title"] == "Five questions"
    with pytest.raises(ValidationFailed):
        editor.catalogue_set_title(actor=admin, catalogue_id=draft.pk, title=" ")


@pytest.mark.parametrize("role", [R.CASE_WORKER, R.FRONTLINE_RESPONDER, R.NATIONAL_COORDINATOR, R.ANALYST,
                                  R.AUDITOR])
def test_only_system_administrators_edit(loaded, admin, role):
    published = _screen()
    draft = editor.catalogue_draft(actor=admin, catalogue_id=published.pk, version="2026.2")
    other = world.conductor(role, org_admin=True)
    ident = draft.content["indicators"][0]["id"]
    for attempt in (lambda: editor.catalogue_draft(actor=other, catalogue_id=published.pk, version="2026.3"),
                    lambda: editor.catalogue_set_texts(actor=other, catalogue_id=draft.pk, language="en",
                                                       texts={ident: "x"}),
                    lambda: editor.catalogue_set_title(actor=other, catalogue_id=draft.pk, title="x"),
                    lambda: editor.catalogue_publish(actor=other, catalogue_id=draft.pk),
                    lambda: editor.catalogue_retire(actor=other, catalogue_id=published.pk)):
        with pytest.raises(Forbidden):
            attempt()
    assert Catalogue.objects.filter(code=SCREEN).count() == 2 and _snapshot(draft)[2] is None


# Pages ------------------------------------------------------------------------------------------------------

def _page(response) -> str:
    return response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')


def test_the_editor_pages_end_to_end(client, loaded, admin_member, admin):
    client.force_login(admin_member.user)
    listing = client.get("/screening/catalogues/")
    assert listing.status_code == 200
    assert _page(listing).count("9/9 languages") == Catalogue.objects.count()
    published = _screen()
    detail = _page(client.get(f"/screening/catalogues/{published.pk}/"))
    assert 'data-state="published"' in detail and 'data-testid="draft-form"' in detail
    assert 'data-testid="save-texts"' not in detail and 'lang="ar" dir="rtl"' in detail

    response = client.post(f"/screening/catalogues/{published.pk}/draft/", {"version": "2026.2"})
    draft = Catalogue.objects.get(code=SCREEN, version="2026.2")
    assert response.status_code == 302 and response["Location"].startswith(f"/screening/catalogues/{draft.pk}/edit/")
    refused = client.post(f"/screening/catalogues/{published.pk}/draft/", {"version": "2026.2"})
    assert refused.status_code == 422 and "already has a version 2026.2" in _page(refused)

    edit = _page(client.get(f"/screening/catalogues/{draft.pk}/edit/?language=fa"))
    assert 'lang="fa"' in edit and 'dir="rtl"' in edit
    assert draft.content["indicators"][0]["question"]["en"] in edit  # the English text beside
    texts = {item["id"]: item["question"]["fa"] for item in draft.content["indicators"]}
    first = draft.content["indicators"][0]["id"]
    saved = client.post(f"/screening/catalogues/{draft.pk}/edit/?language=fa", {**texts, first: ""})
    assert saved.status_code == 302

    listing = _page(client.get("/screening/catalogues/"))
    assert "8/9 languages" in listing and "fa (1 question)" in listing
    refused = client.post(f"/screening/catalogues/{draft.pk}/publish/")
    assert refused.status_code == 422 and "fa: 1 question missing" in _page(refused)
    draft.refresh_from_db()
    assert draft.is_draft

    too_long = client.post(f"/screening/catalogues/{draft.pk}/edit/?language=fa", {**texts, first: "x" * 501})
    assert too_long.status_code == 422 and _snapshot(draft)[0]["indicators"][0]["question"].get("fa") is None
    client.post(f"/screening/catalogues/{draft.pk}/edit/?language=fa", texts)
    published_now = client.post(f"/screening/catalogues/{draft.pk}/publish/", follow=True)
    assert published_now.status_code == 200 and "is published" in _page(published_now)
    assert catalogues.current(SCREEN).pk == draft.pk

    # Published: the edit page is read-only and a post changes nothing.
    readonly = _page(client.get(f"/screening/catalogues/{draft.pk}/edit/?language=fa"))
    assert 'data-testid="read-only"' in readonly and 'data-testid="save-texts"' not in readonly
    before = _snapshot(draft)
    posted = client.post(f"/screening/catalogues/{draft.pk}/edit/?language=fa", {first: "changed"})
    assert posted.status_code == 422 and "never changes" in _page(posted) and _snapshot(draft) == before

    retired = client.post(f"/screening/catalogues/{published.pk}/", {"action": "retire"}, follow=True)
    assert retired.status_code == 200 and "is retired" in _page(retired)
    assert catalogues.current(SCREEN).pk == draft.pk
    refused = client.post(f"/screening/catalogues/{draft.pk}/", {"action": "retire"})
    assert refused.status_code == 422 and "only version" in _page(refused)


@pytest.mark.parametrize("role", [R.FRONTLINE_RESPONDER, R.CASE_WORKER, R.ANALYST, R.NATIONAL_COORDINATOR])
def test_pages_are_forbidden_to_others(client, loaded, admin, role):
    published = _screen()
    draft = editor.catalogue_draft(actor=admin, catalogue_id=published.pk, version="2026.2")
    membership = factories.member(factories.organisation(), [role], org_admin=True)
    client.force_login(membership.user)
    for path in ("/screening/catalogues/", f"/screening/catalogues/{published.pk}/",
                 f"/screening/catalogues/{draft.pk}/edit/?language=en"):
        assert client.get(path).status_code == 403, path
    for path in (f"/screening/catalogues/{published.pk}/draft/", f"/screening/catalogues/{draft.pk}/publish/",
                 f"/screening/catalogues/{published.pk}/"):
        assert client.post(path, {"version": "2026.3", "action": "retire"}).status_code == 403, path
    assert client.post(f"/screening/catalogues/{draft.pk}/edit/?language=en", {"worked-unpaid": "x"}).status_code == 403
    assert Catalogue.objects.filter(code=SCREEN).count() == 2
    assert _snapshot(draft)[2] is None and _snapshot(published)[3] is None


def test_pages_ask_an_anonymous_visitor_to_log_in(client, loaded):
    response = client.get("/screening/catalogues/")
    assert response.status_code == 302 and "login" in response["Location"]


# API --------------------------------------------------------------------------------------------------------

def _api(client, membership):
    _token, raw = token_issue(actor=factories.actor(membership), name="catalogues", days=1)
    return lambda path: client.get(path, HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_api_shows_drafts_to_editors_only(client, loaded, admin_member, admin):
    draft = editor.catalogue_draft(actor=admin, catalogue_id=_screen().pk, version="2026.2")
    as_admin = _api(client, admin_member)
    listed = as_admin("/api/v1/screening/catalogues").json()
    assert {"code": SCREEN, "version": "2026.2", "draft": True}.items() <= next(
        c for c in listed if c["version"] == "2026.2").items()
    assert as_admin(f"/api/v1/screening/catalogues/{SCREEN}/2026.2").json()["content"]["version"] == "2026.2"

    for role in (R.FRONTLINE_RESPONDER, R.ANALYST, R.AUDITOR):
        other = _api(client, factories.member(factories.organisation(), [role]))
        listed = other("/api/v1/screening/catalogues")
        assert listed.status_code == 200
        assert all(not c["draft"] for c in listed.json()) and len(listed.json()) == Catalogue.objects.count() - 1
        assert other(f"/api/v1/screening/catalogues/{SCREEN}/2026.2").status_code == 404
        got = other(f"/api/v1/screening/catalogues/{SCREEN}/{_screen().version}")
        assert got.status_code == 200 and got.json()["content"]["indicators"] == _screen().content["indicators"]
    assert draft.is_draft
    assert client.get("/api/v1/screening/catalogues").status_code == 401


def test_api_interview_for_collectors(client, loaded, admin_member):
    collector = _api(client, factories.member(factories.organisation(), [R.FRONTLINE_RESPONDER]))
    body = collector("/api/v1/screening/interview").json()
    assert [c["code"] for c in body["catalogues"]] == [c.code for c in loaded.catalogues]
    assert [s["key"] for s in body["sections"]] == ["screen", "recruitment", "conditions", "destination", "child"]
    question = body["sections"][1]["questions"][0]
    assert question["field"] == "op_dr_job_nature" and set(question["text"]) == set(languages.CODES)
    assert all(q["text"][code] for s in body["sections"] for q in s["questions"] for code in languages.CODES)
    for role in (R.ANALYST, R.NATIONAL_COORDINATOR):
        other = _api(client, factories.member(factories.organisation(), [role]))
        assert other("/api/v1/screening/interview").status_code == 403
    assert _api(client, admin_member)("/api/v1/screening/interview").status_code == 403


def test_api_operation_ids(client, db):
    document = client.get("/api/v1/openapi.json").json()
    ids = {op["operationId"] for item in document["paths"].values() for op in item.values()}
    assert {"screening_catalogue_list", "screening_catalogue_get", "screening_interview",
            "screening_xlsform"} <= ids


def test_a_text_that_a_spreadsheet_would_run_as_a_formula_is_refused(admin, loaded):
    draft = editor.catalogue_draft(actor=admin, catalogue_id=_screen().pk, version="2030.1")
    before = _snapshot(draft)
    ident = draft.content["indicators"][0]["id"]
    with pytest.raises(ValidationFailed) as refused:
        editor.catalogue_set_texts(actor=admin, catalogue_id=draft.pk, language="en",
                                   texts={ident: '=HYPERLINK("https://evil.example","Click")'})
    assert ident in refused.value.errors
    draft.refresh_from_db()
    assert _snapshot(draft) == before
