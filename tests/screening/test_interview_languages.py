"""A system administrator adds an interview language without code (Urdu here: written right to left).

The nine built-in languages stay required everywhere. An added language is offered to an interview once it
is published (every phrase read to the person translated) and every catalogue version the interview uses
carries every question in it; before that, no page offers it and a screening naming it is refused. A
catalogue version missing any language's text for any question cannot be published.
"""

from __future__ import annotations

import copy
import io
import re

import pytest
from openpyxl import load_workbook

from alliance.core import roles as R
from alliance.core.errors import Forbidden, ValidationFailed
from alliance.core.models import AuditEvent
from alliance.directory.services import token_issue
from alliance.screening.domain import catalogue as catalogues
from alliance.screening.domain import languages, phrases
from alliance.screening.domain.interview import INTERVIEW_CATALOGUES, SCREEN, current_interview
from alliance.screening.models import Catalogue, InterviewLanguage, Screening
from alliance.screening.services import catalogues as editor
from alliance.screening.services import languages as language_editor
from alliance.screening.services import screening_submit
from tests import factories
from tests.screening import screening_world as world

pytestmark = pytest.mark.django_db

URDU = "اردو"
# Fictitious texts in Urdu script: what the tests need is that each one is shown where it belongs.
PHRASES = {key: f"جملہ {n} برائے {key}" for n, key in enumerate(phrases.phrase_keys(), start=1)}


def question_text(ident: str) -> str:
    return f"سوال {ident}؟"


@pytest.fixture
def responder(db):
    return factories.member(factories.organisation("Reception Centre North"), [R.FRONTLINE_RESPONDER])


def _add(admin, code: str = "ur", name: str = URDU, direction: str = "rtl") -> InterviewLanguage:
    return language_editor.language_add(actor=admin, code=code, name=name, direction=direction)


def _translate(admin, code: str = "ur", **changes) -> InterviewLanguage:
    return language_editor.language_update(actor=admin, code=code, texts={**PHRASES, **changes})


def _draft_in(admin, code: str, catalogue: str, version: str = "2030.1", *, leave_out: int = 0) -> Catalogue:
    """A new draft version of a catalogue with every question (but the first `leave_out`) in `code`."""
    draft = editor.catalogue_draft(actor=admin, catalogue_id=catalogues.current(catalogue).pk, version=version)
    texts = {item["id"]: question_text(item["id"]) for item in draft.content["indicators"][leave_out:]}
    return editor.catalogue_set_texts(actor=admin, catalogue_id=draft.pk, language=code, texts=texts)


def _carry_everywhere(admin, code: str = "ur") -> None:
    for catalogue in INTERVIEW_CATALOGUES:
        editor.catalogue_publish(actor=admin, catalogue_id=_draft_in(admin, code, catalogue).pk)


def _ready(admin) -> InterviewLanguage:
    _add(admin)
    _translate(admin)
    language = language_editor.language_publish(actor=admin, code="ur")
    _carry_everywhere(admin)
    return language


def _page(response) -> str:
    return response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')


def _state() -> tuple:
    """Everything the language editor may change, to show that a refusal changed nothing."""
    edits = AuditEvent.objects.filter(action="admin", object_type__in=("interview_language", "catalogue"))
    return (list(InterviewLanguage.objects.order_by("code").values()), edits.count(),
            sorted(Catalogue.objects.values_list("code", "version", "sha256", "published_at")))


def _options(html: str, name: str) -> list[tuple[str, str, str, str]]:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option value="([^"]+)" lang="([^"]*)" dir="([^"]*)"[^>]*>([^<]*)</option>', select)


# Adding and publishing a language ---------------------------------------------------------------------------

def test_an_added_language_starts_as_a_draft_with_every_phrase_to_translate(loaded, admin):
    row = _add(admin)
    assert (row.code, row.name, row.direction, row.published_at) == ("ur", URDU, "rtl", None)
    assert row.created_by_id == admin.user_id
    assert set(row.phrases) == set(phrases.all_phrases()) and not any(row.phrases.values())
    assert languages.name_of("ur") == URDU and languages.direction("ur") == "rtl"
    assert languages.direction("ar") == "rtl" and languages.direction("fr") == "ltr"  # the nine unchanged
    assert languages.offered(current_interview().catalogues) == languages.CODES
    event = AuditEvent.objects.get(object_type="interview_language", object_id=str(row.pk))
    assert event.action == "admin" and event.user_id == admin.user_id


def test_a_language_with_a_phrase_missing_cannot_be_published(loaded, admin):
    _add(admin)
    _translate(admin, closing="   ")
    before = _state()
    with pytest.raises(ValidationFailed) as refused:
        language_editor.language_publish(actor=admin, code="ur")
    assert refused.value.errors == {"__all__": ["ur: 1 phrase missing (closing)"]}
    assert _state() == before
    published = language_editor.language_publish(actor=admin, code=_translate(admin).code)
    assert published.published_at is not None
    with pytest.raises(ValidationFailed, match="already published"):
        language_editor.language_publish(actor=admin, code="ur")
    # Published, a phrase may be corrected but never left blank.
    language_editor.language_update(actor=admin, code="ur", texts={"closing": "شکریہ"})
    assert phrases.text("closing", "ur") == "شکریہ"
    with pytest.raises(ValidationFailed) as blank:
        language_editor.language_update(actor=admin, code="ur", texts={"closing": ""})
    assert list(blank.value.errors) == ["closing"] and phrases.text("closing", "ur") == "شکریہ"


def test_a_draft_carrying_the_language_with_one_question_missing_cannot_be_published(loaded, admin):
    _add(admin)
    draft = _draft_in(admin, "ur", SCREEN, leave_out=1)
    assert draft.content["languages"] == ["ur"]
    assert editor.completeness(catalogue=draft).total == len(languages.CODES) + 1
    before = _state()
    with pytest.raises(ValidationFailed) as refused:
        editor.catalogue_publish(actor=admin, catalogue_id=draft.pk)
    assert refused.value.errors == {"__all__": ["ur: 1 question missing"]}
    assert _state() == before and catalogues.current(SCREEN).version != "2030.1"
    first = draft.content["indicators"][0]["id"]
    with pytest.raises(catalogues.CatalogueError) as caught:
        catalogues.check(draft.content, "draft")
    assert caught.value.problems == [f"indicator {first!r}: no question text in ur"]
    editor.catalogue_set_texts(actor=admin, catalogue_id=draft.pk, language="ur", texts={first: question_text(first)})
    assert editor.catalogue_publish(actor=admin, catalogue_id=draft.pk) == catalogues.current(SCREEN)


def test_a_draft_left_with_no_text_in_the_language_no_longer_carries_it(loaded, admin):
    _add(admin)
    draft = _draft_in(admin, "ur", SCREEN)
    editor.catalogue_set_texts(actor=admin, catalogue_id=draft.pk, language="ur", texts=dict.fromkeys(
        (item["id"] for item in draft.content["indicators"]), ""))
    draft.refresh_from_db()
    assert "languages" not in draft.content
    assert editor.catalogue_publish(actor=admin, catalogue_id=draft.pk).published_at


def test_a_catalogue_file_may_carry_only_the_languages_it_lists(loaded):
    content = copy.deepcopy(catalogues.current(SCREEN).content)
    for item in content["indicators"]:
        item["question"]["ur"] = question_text(item["id"])
    with pytest.raises(catalogues.CatalogueError, match="question is an object of texts keyed by"):
        catalogues.check(copy.deepcopy(content), "file")
    content["languages"] = ["ur"]
    assert catalogues.check(copy.deepcopy(content), "file")
    for bad in (["EN"], ["fa"], "ur", ["ur", "ur"], ["english"]):
        with pytest.raises(catalogues.CatalogueError, match="languages"):
            catalogues.check({**content, "languages": bad}, "file")


@pytest.mark.parametrize(("code", "name", "direction", "field"), [
    ("EN", "English", "ltr", "code"),
    ("english", "English", "ltr", "code"),
    ("en", "English", "ltr", "code"),
    ("fa", "دری", "rtl", "code"),
    ("ara", "العربية", "rtl", "code"),  # Arabic again, under its three-letter code
    ("u", URDU, "rtl", "code"),
    ("ür", URDU, "rtl", "code"),
    ("ur", "", "rtl", "name"),
    ("ur", "x" * 61, "rtl", "name"),
    ("ur", URDU, "ttb", "direction"),
    ("ur", URDU, "RTL", "direction"),
])
def test_bad_input_is_refused_and_changes_nothing(loaded, admin, code, name, direction, field):
    _add(admin, "so", "Soomaali", "ltr")
    before = _state()
    with pytest.raises(ValidationFailed) as refused:
        _add(admin, code, name, direction)
    assert field in refused.value.errors
    assert _state() == before


def test_a_duplicate_and_unknown_phrases_are_refused_and_change_nothing(loaded, admin):
    _add(admin)
    _translate(admin)
    before = _state()
    with pytest.raises(ValidationFailed) as duplicate:
        _add(admin, "ur", "Urdu", "rtl")
    assert "already added" in duplicate.value.errors["code"][0]
    for texts, field in (({"no-such-phrase": "x"}, "texts"), ({"intro": "x", "greeting": "y"}, "texts"),
                         ({"intro": 7}, "intro"), ({"intro": "x" * 1001}, "intro"),
                         ({"intro": "=HYPERLINK(\"https://evil.example\")"}, "intro")):
        with pytest.raises(ValidationFailed) as refused:
            language_editor.language_update(actor=admin, code="ur", texts=texts)
        assert field in refused.value.errors, texts
    with pytest.raises(ValidationFailed) as refused:
        language_editor.language_update(actor=admin, code="ur", texts={}, direction="up")
    assert "direction" in refused.value.errors
    assert _state() == before


def test_a_catalogue_text_in_a_language_that_was_not_added_is_refused(loaded, admin):
    draft = editor.catalogue_draft(actor=admin, catalogue_id=catalogues.current(SCREEN).pk, version="2030.1")
    before = _state()
    with pytest.raises(ValidationFailed) as refused:
        editor.catalogue_set_texts(actor=admin, catalogue_id=draft.pk, language="ur",
                                   texts={draft.content["indicators"][0]["id"]: "x"})
    assert "language" in refused.value.errors and _state() == before


@pytest.mark.parametrize("role", [R.CASE_WORKER, R.FRONTLINE_RESPONDER, R.NATIONAL_COORDINATOR, R.ANALYST,
                                  R.AUDITOR])
def test_only_system_administrators_add_translate_and_publish(loaded, admin, role):
    _add(admin)
    other = world.conductor(role, org_admin=True)
    before = _state()
    for attempt in (lambda: _add(other, "so", "Soomaali", "ltr"),
                    lambda: language_editor.language_update(actor=other, code="ur", texts=PHRASES),
                    lambda: language_editor.language_publish(actor=other, code="ur"),
                    lambda: language_editor.languages_for_editor(actor=other),
                    lambda: language_editor.language_for_editor(actor=other, code="ur")):
        with pytest.raises(Forbidden):
            attempt()
    assert _state() == before


# Offered only once ready ------------------------------------------------------------------------------------

def test_the_language_is_offered_only_once_published_and_carried_by_every_interview_catalogue(loaded, admin):
    _add(admin)
    _carry_everywhere(admin)  # every question in Urdu, the language itself not yet published
    assert "ur" not in languages.offered(current_interview().catalogues)
    _translate(admin)
    language_editor.language_publish(actor=admin, code="ur")
    assert languages.offered(current_interview().catalogues) == (*languages.CODES, "ur")
    # A catalogue version without it (the previous one, still named by a phone's queue) is not offered in it.
    older = [Catalogue.objects.filter(code=code).order_by("loaded_at", "id").first() for code in INTERVIEW_CATALOGUES]
    assert languages.offered(older) == languages.CODES
    assert languages.offered([]) == languages.CODES


def test_a_screening_in_the_language_is_refused_until_it_is_offered(loaded, admin):
    conductor = world.conductor()
    _add(admin)
    _translate(admin)
    language_editor.language_publish(actor=admin, code="ur")
    for field in ("interviewee_language", "interviewer_language"):
        with pytest.raises(ValidationFailed) as refused:
            screening_submit(actor=conductor, payload=world.payload(current_interview(), **{field: "ur"}))
        message = refused.value.errors[field][0]
        assert "not offered in" in message and "(ur)" in message and URDU in message
    with pytest.raises(ValidationFailed) as unknown:
        screening_submit(actor=conductor, payload=world.payload(current_interview(), interviewee_language="so"))
    assert unknown.value.errors["interviewee_language"] == [
        "Choose one of the supported languages: " + ", ".join(languages.CODES) + "."]
    assert not Screening.objects.exists()


# The whole path, through the pages ------------------------------------------------------------------------

def test_from_adding_to_an_interview_in_urdu(client, loaded, admin_member, admin, responder):
    client.force_login(admin_member.user)
    assert 'href="/screening/languages/"' in _page(client.get("/screening/catalogues/"))
    listing = client.get("/screening/languages/")
    assert listing.status_code == 200 and "No language added yet." in _page(listing)

    added = client.post("/screening/languages/add-language/", {"code": "ur", "name": URDU, "direction": "rtl"})
    assert added.status_code == 302 and added["Location"] == "/screening/languages/ur/"
    refused = client.post("/screening/languages/add-language/", {"code": "ur", "name": URDU, "direction": "rtl"})
    assert refused.status_code == 422 and "already added" in _page(refused)

    edit = _page(client.get("/screening/languages/ur/"))
    assert f'<span lang="en" dir="ltr">{phrases.all_phrases()["intro"]["en"]}</span>' in edit
    assert re.search(r'<textarea name="phrase_intro"[^>]*lang="ur" dir="rtl"', edit)
    assert 'data-testid="language-publish"' in edit
    fields = {"name": URDU, "direction": "rtl", **{f"phrase_{key}": text for key, text in PHRASES.items()}}
    assert client.post("/screening/languages/ur/", {**fields, "phrase_closing": ""}).status_code == 302
    refused = client.post("/screening/languages/ur/publish/")
    assert refused.status_code == 422 and "ur: 1 phrase missing (closing)" in _page(refused)
    assert client.post("/screening/languages/ur/", fields).status_code == 302
    published = client.post("/screening/languages/ur/publish/", follow=True)
    assert published.status_code == 200 and "is published" in _page(published)
    assert InterviewLanguage.objects.get(code="ur").published_at is not None

    # Published, but no catalogue has its questions yet: not offered, and a screening in it is refused.
    client.force_login(responder.user)
    start = _page(client.get("/screening/"))
    assert "ur" not in {code for code, *_rest in _options(start, "interviewee")}
    assert client.get("/screening/interview/?interviewer=en&interviewee=ur")["Location"] == "/screening/"
    _token, raw = token_issue(actor=factories.actor(responder), name="t", days=1)
    api = {"content_type": "application/json", "HTTP_AUTHORIZATION": f"Bearer {raw}"}
    early = client.post("/api/v1/screenings", world.payload(current_interview(), interviewee_language="ur"), **api)
    assert early.status_code == 422
    assert "not offered in" in early.json()["error"]["details"]["interviewee_language"][0]

    # The catalogue editor: a new version of each interview catalogue with its questions in Urdu.
    client.force_login(admin_member.user)
    for code in INTERVIEW_CATALOGUES:
        current = catalogues.current(code)
        client.post(f"/screening/catalogues/{current.pk}/draft/", {"version": "2030.1"})
        draft = Catalogue.objects.get(code=code, version="2030.1")
        tab = _page(client.get(f"/screening/catalogues/{draft.pk}/edit/?language=ur"))
        assert 'lang="ur"' in tab and 'dir="rtl"' in tab and 'data-testid="adds-language"' in tab
        texts = {item["id"]: question_text(item["id"]) for item in draft.content["indicators"]}
        first = next(iter(texts))
        client.post(f"/screening/catalogues/{draft.pk}/edit/?language=ur", {**texts, first: ""})
        refused = client.post(f"/screening/catalogues/{draft.pk}/publish/")
        assert refused.status_code == 422 and "ur: 1 question missing" in _page(refused)
        client.post(f"/screening/catalogues/{draft.pk}/edit/?language=ur", texts)
        assert client.post(f"/screening/catalogues/{draft.pk}/publish/").status_code == 302
    assert "10/10 languages" in _page(client.get("/screening/catalogues/"))
    listing = _page(client.get("/screening/languages/"))
    assert re.search(r'data-code="ur" data-state="published" data-offered="yes"', listing)

    # The interview offers it, shows its texts right to left, and receives a screening in it.
    client.force_login(responder.user)
    start = _page(client.get("/screening/"))
    for name in ("interviewee", "interviewer"):
        assert ("ur", "ur", "rtl", URDU) in _options(start, name)
        assert [code for code, *_rest in _options(start, name)] == [*languages.CODES, "ur"]
    interview = current_interview()
    page = client.get("/screening/interview/?interviewer=en&interviewee=ur")
    assert page.status_code == 200
    html = _page(page)
    assert f'<span lang="ur" dir="rtl">{URDU}</span>' in html
    assert f'<p lang="ur" dir="rtl">{PHRASES["intro"]}</p>' in html
    for question in world.questions(interview):
        if not question.observe:
            assert f'<p lang="ur" dir="rtl">{question_text(question.indicator)}</p>' in html, question.indicator
    assert f'<span lang="ur" dir="rtl">{PHRASES["yes"]}</span>' in html  # the person's own word for yes
    received = client.post("/api/v1/screenings", world.payload(interview, interviewee_language="ur", yes=["ec-hours"]),
                           **api)
    assert received.status_code == 201, received.content
    screening = Screening.objects.get(pk=received.json()["id"])
    assert screening.interviewee_language == "ur"
    assert {c.version for c in screening.catalogues.all()} == {"2030.1"}
    interviewer_in_urdu = client.get("/screening/interview/?interviewer=ur&interviewee=ar")
    assert interviewer_in_urdu.status_code == 200

    # The XLSForm has a label column for it, with its texts.
    workbook = client.get("/screening/xlsform.xlsx")
    assert workbook.status_code == 200
    book = load_workbook(io.BytesIO(workbook.content), read_only=True)
    rows = list(book["survey"].iter_rows(values_only=True))
    header = list(rows[0])
    assert header[2:2 + len(languages.CODES) + 1][-1] == "label::Urdu (ur)"
    survey = {row[1]: dict(zip(header, row, strict=True)) for row in rows[1:] if row[1]}
    assert survey["op_ec_hours"]["label::Urdu (ur)"] == question_text("ec-hours")
    assert survey["intro"]["label::Urdu (ur)"] == PHRASES["intro"]
    choices = [dict(zip(list(next(book["choices"].iter_rows(values_only=True))), row, strict=True))
               for row in list(book["choices"].iter_rows(values_only=True))[1:]]
    assert {"list_name": "language", "name": "ur"}.items() <= next(
        c for c in choices if c["list_name"] == "language" and c["name"] == "ur").items()


def test_an_added_language_in_the_api_must_look_like_a_code(client, loaded, responder):
    _token, raw = token_issue(actor=factories.actor(responder), name="t", days=1)
    for code in ("EN", "english", "u", "ur-PK"):
        refused = client.post("/api/v1/screenings", world.payload(current_interview(), interviewee_language=code),
                              content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert refused.status_code in (400, 422), code
    assert not Screening.objects.exists()


@pytest.mark.parametrize("role", [R.FRONTLINE_RESPONDER, R.CASE_WORKER, R.ANALYST, R.NATIONAL_COORDINATOR,
                                  R.AUDITOR])
def test_the_pages_are_forbidden_to_others(client, loaded, admin, role):
    _add(admin)
    member = factories.member(factories.organisation(), [role], org_admin=True)
    client.force_login(member.user)
    before = _state()
    for path in ("/screening/languages/", "/screening/languages/ur/"):
        assert client.get(path).status_code == 403, path
    assert client.post("/screening/languages/add-language/",
                       {"code": "so", "name": "Soomaali", "direction": "ltr"}).status_code == 403
    fields = {"name": "x", "direction": "ltr", **{f"phrase_{k}": v for k, v in PHRASES.items()}}
    assert client.post("/screening/languages/ur/", fields).status_code == 403
    assert client.post("/screening/languages/ur/publish/").status_code == 403
    assert _state() == before


def test_the_pages_ask_an_anonymous_visitor_to_log_in_and_refuse_bad_input(client, loaded, admin_member, admin):
    for path in ("/screening/languages/", "/screening/languages/ur/"):
        response = client.get(path)
        assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(admin_member.user)
    assert client.get("/screening/languages/ur/").status_code == 404  # not added
    _add(admin)
    before = _state()
    for body in ({"code": "EN", "name": "English", "direction": "ltr"},
                 {"code": "english", "name": "English", "direction": "ltr"},
                 {"code": "ar", "name": "العربية", "direction": "rtl"},
                 {"code": "ur", "name": URDU, "direction": "rtl"},
                 {"code": "so", "name": "Soomaali", "direction": "sideways"}):
        response = client.post("/screening/languages/add-language/", body)
        assert response.status_code == 422, body
        assert 'class="errorlist' in _page(response)
    fields = {"name": URDU, "direction": "rtl", **{f"phrase_{k}": v for k, v in PHRASES.items()}}
    response = client.post("/screening/languages/ur/", {**fields, "phrase_intro": "@SUM(1)"})
    assert response.status_code == 422 and "may not start with" in _page(response)
    assert _state() == before


def test_a_screening_in_an_added_language_is_referred_and_collectors_get_the_language(client, loaded, admin,
                                                                                      responder):
    """The one step and the collectors' API know an added language as well as a built-in one."""
    from alliance.directory.services import token_issue
    from alliance.screening.services import screening_refer

    _ready(admin)
    conductor = factories.actor(responder)
    yes = ("dr-job-nature", "dr-conditions", "ec-hours", "ec-wages", "cd-documents", "cd-debt")
    body = world.payload(current_interview(), yes=yes, interviewee_language="ur", work_type="labour")
    screening, _created = screening_submit(actor=conductor, payload=body)
    shelter = factories.organisation("Shelter West")
    case, _share = screening_refer(actor=conductor, screening_id=screening.pk, given_name="Zara", family_name="Khan",
                                   organisation_id=shelter.pk, consent=True)
    case.person.refresh_from_db()
    assert case.consents.get().language == "ur" and "primary_language" not in case.person.details
    client.force_login(responder.user)
    assert URDU in client.get(f"/screening/{screening.pk}/").content.decode()
    _token, raw = token_issue(actor=conductor, name="collector", days=1)
    interview = client.get("/api/v1/screening/interview", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert {"code": "ur", "name": URDU, "direction": "rtl"} in interview["languages"]
    assert all(q["text"]["ur"] for s in interview["sections"] for q in s["questions"])
