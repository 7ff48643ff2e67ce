"""The screening interview page as the interviewer gets it: every question of the published catalogues in
both chosen languages (each text with its own lang and dir), the skip logic marked on the sections, no free
narrative anywhere, the no-JavaScript submission, and a page light enough for a bad connection."""

from __future__ import annotations

import gzip
import json
from html.parser import HTMLParser

import pytest

from alliance.core import roles as R
from alliance.screening.domain import languages
from alliance.screening.domain.catalogue import load_catalogues
from alliance.screening.domain.interview import current_interview
from alliance.screening.domain.tickets import ticket_read
from alliance.screening.models import Screening
from tests import factories

WEIGHT_LIMIT = 100 * 1024  # bytes transferred (gzip), the bound for each screening page
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def _attr(keyword: str) -> str:
    return keyword.rstrip("_").replace("_", "-")  # class_ -> class, data_testid -> data-testid


class Node:
    def __init__(self, tag: str, attrs: dict, parent: Node | None):
        self.tag, self.attrs, self.parent, self.children, self.parts = tag, attrs, parent, [], []

    @property
    def text(self) -> str:
        return "".join(part if isinstance(part, str) else part.text for part in self.parts)

    def all(self, tag: str | None = None, **attrs) -> list[Node]:
        found = []
        for child in self.children:
            if (tag is None or child.tag == tag) and all(
                    (child.attrs.get(_attr(k)) == v) if v is not True else _attr(k) in child.attrs
                    for k, v in attrs.items()):
                found.append(child)
            found.extend(child.all(tag, **attrs))
        return found

    def one(self, tag: str | None = None, **attrs) -> Node:
        found = self.all(tag, **attrs)
        assert len(found) == 1, (tag, attrs, len(found))
        return found[0]


class Tree(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("#document", {}, None)
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: ("" if v is None else v) for k, v in attrs}, self.current)
        self.current.children.append(node)
        self.current.parts.append(node)
        if tag not in VOID:
            self.current = node

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.parts.append(data)


def parse(response) -> Node:
    return Tree(response.content.decode()).root


@pytest.fixture
def catalogues(db):
    load_catalogues()
    return current_interview()


@pytest.fixture
def organisation(db):
    return factories.organisation("Reception Centre North")


@pytest.fixture
def responder(client, organisation):
    member = factories.member(organisation, [R.FRONTLINE_RESPONDER])
    client.force_login(member.user)
    return member


def interview_url(interviewer="en", interviewee="ar", interpreter=False) -> str:
    return (f"/screening/interview/?interviewer={interviewer}&interviewee={interviewee}"
            + ("&interpreter=1" if interpreter else ""))


def open_interview(client, **kwargs) -> tuple[object, Node]:
    response = client.get(interview_url(**kwargs))
    assert response.status_code == 200
    return response, parse(response)


def hidden_fields(page: Node) -> list[tuple[str, str]]:
    form = page.one("form", data_interview=True)
    return [(i.attrs["name"], i.attrs["value"]) for i in form.all("input", type="hidden")]


def post_data(page: Node, **person) -> dict:
    """What the browser posts without JavaScript: the hidden fields and the person's step."""
    data: dict = {}
    for name, value in hidden_fields(page):
        data.setdefault(name, []).append(value)
    data.update({"sex": "female", "age": "", "age_group": "unknown", "citizenship": "", "work_type": "labour"})
    data.update(person)
    return data


# --- The start page ------------------------------------------------------------------------------------

def test_start_page_offers_the_nine_languages_each_in_its_own_script(client, responder, catalogues):
    response = client.get("/screening/")
    assert response.status_code == 200
    page = parse(response)
    form = page.one("form", data_testid="start-interview")
    assert form.attrs["action"] == "/screening/interview/" and form.attrs["method"] == "get"
    for name in ("interviewee", "interviewer"):
        select = form.one("select", name=name)
        options = {o.attrs["value"]: o for o in select.all("option") if o.attrs["value"]}
        assert list(options) == list(languages.CODES)
        for code, option in options.items():
            assert option.text == languages.NAMES[code]
            assert option.attrs["lang"] == code and option.attrs["dir"] == languages.direction(code)
    assert form.one("select", name="interviewer").one("option", selected=True).attrs["value"] == "en"
    assert all(o.attrs["dir"] == "rtl" for o in form.all("option", value="ar"))
    assert form.one("input", name="interpreter").attrs["type"] == "checkbox"
    assert page.one("div", id="offline-queue").attrs["data-testid"] == "offline-queue"
    assert 'src="/static/screening/offline.js"' in response.content.decode()


def test_start_page_defaults_the_interviewer_to_the_interface_language(client, responder, catalogues):
    client.cookies["django_language"] = "ru"
    page = parse(client.get("/screening/", HTTP_ACCEPT_LANGUAGE="ru"))
    assert page.one("select", name="interviewer").one("option", selected=True).attrs["value"] == "ru"


def test_start_page_lists_the_organisations_recent_screenings_without_personal_data(client, responder,
                                                                                    catalogues, organisation):
    _, page = open_interview(client)
    response = client.post("/screening/submit/", post_data(page, age="34", citizenship="XP", **{
        "a:ilo-ec-operational:dr-job-nature": "yes"}))
    screening = Screening.objects.get()
    other = factories.member(factories.organisation("Elsewhere"), [R.FRONTLINE_RESPONDER])
    client.force_login(other.user)
    assert "recent-screenings" not in client.get("/screening/").content.decode()
    client.force_login(responder.user)
    response = client.get("/screening/")
    table = parse(response).one("table", data_testid="recent-screenings")
    rows = table.one("tbody").all("tr")
    assert len(rows) == 1
    assert rows[0].one("a").attrs["href"] == f"/screening/{screening.pk}/"
    assert "Indicators present: monitor and inform" in rows[0].text
    # The finished time may itself contain "34" (06:34), so compare whole cells and headers.
    headers = [th.text.strip() for th in table.one("thead").all("th")]
    assert headers == ["Finished", "Outcome", "Child", "Referred"]
    cells = [td.text.strip() for td in rows[0].all("td")]
    assert "34" not in cells and not any("Poorland" in c or "XP" in c for c in cells)


@pytest.mark.parametrize("url", ["/screening/", interview_url()])
def test_a_role_without_screening_conduct_is_refused(client, organisation, catalogues, url):
    client.force_login(factories.member(organisation, [R.ANALYST]).user)
    assert client.get(url).status_code == 403


def test_a_role_without_screening_conduct_cannot_post_a_screening(client, organisation, catalogues):
    member = factories.member(organisation, [R.FRONTLINE_RESPONDER])
    client.force_login(member.user)
    _, page = open_interview(client)
    client.force_login(factories.member(organisation, [R.ANALYST]).user)
    assert client.post("/screening/submit/", post_data(page)).status_code == 403
    assert not Screening.objects.exists()


def test_logged_out_goes_to_the_login(client, catalogues):
    response = client.get(interview_url())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- The interview page ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("interviewer", "interviewee"), [("en", "ar"), ("fa", "fr"), ("uk", "ps")])
def test_every_question_is_on_the_page_in_both_languages(client, responder, catalogues, interviewer, interviewee):
    _, page = open_interview(client, interviewer=interviewer, interviewee=interviewee)
    questions = {(q.attrs["data-catalogue"], q.attrs["data-indicator"]): q for q in page.all("fieldset", class_="q")}
    expected = [q for s in catalogues.sections for q in s.questions]
    assert len(questions) == len(expected) == 44
    for question in expected:
        node = questions[(question.catalogue, question.indicator)]
        texts = node.one("div", class_="texts").all("p")
        shown = [(p.attrs["lang"], p.attrs["dir"], p.text) for p in texts]
        mine = (interviewer, languages.direction(interviewer), question.text[interviewer])
        theirs = (interviewee, languages.direction(interviewee), question.text[interviewee])
        # What the interviewer only observes is not read to the person.
        assert shown == ([mine] if question.observe else [mine, theirs])
        # A labelled group of radios: yes, no, does not know, prefers not to answer; and the source.
        assert node.attrs["aria-labelledby"] == node.one("div", class_="texts").attrs["id"]
        radios = node.all("input", type="radio")
        assert [r.attrs["value"] for r in radios] == ["yes", "no", "unknown", "declined"]
        assert {r.attrs["name"] for r in radios} == {f"a:{question.catalogue}:{question.indicator}"}
        assert all(r.parent.tag == "label" for r in radios)
        source = node.one("select")
        assert source.parent.tag == "label"
        assert [o.attrs["value"] for o in source.all("option")] == ["self_reported", "observed", "document"]
        assert source.one("option", selected=True).attrs["value"] == ("observed" if question.observe
                                                                      else "self_reported")


def test_arabic_is_written_right_to_left(client, responder, catalogues):
    _, page = open_interview(client, interviewer="en", interviewee="ar")
    arabic = [p for p in page.all("p") if p.attrs.get("lang") == "ar"]
    assert arabic and all(p.attrs["dir"] == "rtl" for p in arabic)
    assert all(p.attrs["dir"] == "ltr" for p in page.all("p") if p.attrs.get("lang") == "en")
    # The person's own words for the answers, beside the interviewer's.
    assert "نعم" in page.one("fieldset", data_indicator="dr-job-nature").text


def test_sections_carry_their_skip_logic(client, responder, catalogues):
    _, page = open_interview(client)
    sections = [(s.attrs["data-section"], s.attrs["data-shown-when"]) for s in page.all("section")
                if "data-section" in s.attrs]
    assert sections == [("screen", "always"), ("recruitment", "always"), ("conditions", "worked"),
                        ("destination", "worked"), ("child", "child")]
    steps = [s.attrs["data-step"] for s in page.all("section", class_="step")]
    assert steps == ["about", "screen", "recruitment", "conditions", "destination", "child", "finish"]
    about = page.one("section", data_step="about")
    assert [r.attrs["value"] for r in about.all("input", name="work_type")] == ["none", "labour", "sexual", "both"]
    assert about.one("input", name="is_child").attrs["type"] == "checkbox"
    assert about.one("input", name="age").attrs["type"] == "number"
    assert len(about.one("select", name="citizenship").all("option")) > 250
    for control in about.all("input") + about.all("select"):
        if control.attrs.get("type") != "radio":
            assert about.one("label", for_=control.attrs["id"])


def test_no_free_narrative_anywhere(client, responder, catalogues):
    response, page = open_interview(client)
    html = response.content.decode()
    assert "<textarea" not in html
    form = page.one("form", data_interview=True)
    typed = {i.attrs.get("type", "text") for i in form.all("input")}
    assert typed == {"hidden", "number", "checkbox", "radio"}


def test_the_person_hears_the_introduction_and_the_closing_in_their_language(client, responder, catalogues):
    phrases = json.loads((catalogues_dir() / "phrases.json").read_text(encoding="utf-8"))
    _, page = open_interview(client, interviewer="en", interviewee="ar")
    said = [[(p.attrs["lang"], p.text) for p in box.all("p")] for box in page.all("div", class_="say")]
    for key in ("intro", "age", "work", "closing"):
        assert [("en", phrases[key]["en"]), ("ar", phrases[key]["ar"])] in said


def catalogues_dir():
    from pathlib import Path

    import alliance.screening

    return Path(alliance.screening.__file__).parent


def test_the_page_carries_the_context_for_its_scripts(client, responder, catalogues):
    response, page = open_interview(client, interviewer="en", interviewee="ar", interpreter=True)
    node = page.one("script", id="screening-context")
    assert node.attrs["type"] == "application/json"
    context = json.loads(node.text)
    assert context["catalogues"] == [{"code": c.code, "version": c.version} for c in catalogues.catalogues]
    assert (context["interviewer_language"], context["interviewee_language"], context["interpreter"]) == ("en", "ar",
                                                                                                         True)
    assert context["user_id"] == responder.user_id and context["submit_url"] == "/api/v1/screenings"
    assert context["detail_url_template"] == "/screening/0/" and context["csrf_token"]
    operational = catalogues.catalogue("ilo-ec-operational").content["indicators"]
    assert context["ratings"] == {i["id"]: i["ratings"] for i in operational}
    assert context["dimensions"] == {i["id"]: i["dimension"] for i in operational}
    assert set(context["bands"]) == {"none", "monitor", "refer", "child"}
    html = response.content.decode()
    for script in ("scoring.js", "offline.js", "interview.js"):
        assert f'src="/static/screening/{script}"' in html


def test_one_language_for_both_shows_each_text_once(client, responder, catalogues):
    _, page = open_interview(client, interviewer="fr", interviewee="fr")
    for question in page.all("fieldset", class_="q"):
        assert [p.attrs["lang"] for p in question.one("div", class_="texts").all("p")] == ["fr"]


@pytest.mark.parametrize("query", ["", "?interviewer=en", "?interviewer=en&interviewee=xx",
                                   "?interviewer=<b>&interviewee=ar"])
def test_languages_must_be_chosen_from_the_nine(client, responder, catalogues, query):
    response = client.get("/screening/interview/" + query)
    assert response.status_code == 302 and response["Location"] == "/screening/"


def test_without_catalogues_the_page_says_so(client, responder):
    response = client.get(interview_url())
    assert response.status_code == 503
    page = parse(response)
    assert "catalogues are not loaded" in page.one("div", data_testid="interview-unavailable").text
    assert not page.all("form", data_interview=True)


@pytest.mark.parametrize(("interviewer", "interviewee"), [("en", "en"), ("en", "ar")])
def test_the_page_weighs_well_under_100_kb_transferred(client, responder, catalogues, interviewer, interviewee):
    response = client.get(interview_url(interviewer=interviewer, interviewee=interviewee))
    raw, compressed = len(response.content), len(gzip.compress(response.content))
    print(f"interview page {interviewer}/{interviewee}: {raw} bytes, {compressed} bytes gzip")
    assert compressed < WEIGHT_LIMIT / 2  # "well under": half the bound leaves room for the catalogues to grow


# --- Submitting without JavaScript ------------------------------------------------------------------------

def test_the_form_posted_without_javascript_stores_the_screening(client, responder, catalogues):
    _, page = open_interview(client, interviewer="en", interviewee="ar", interpreter=True)
    answers = {f"a:ilo-ec-operational:{i}": "yes" for i in ("dr-job-nature", "dr-conditions", "ec-hours",
                                                            "ec-wages", "cd-documents", "cd-debt")}
    answers.update({"a:mixed-migration-5:held": "declined", "s:mixed-migration-5:held": "self_reported",
                    "a:ilo-ec-operational:cd-isolation": "no", "s:ilo-ec-operational:cd-isolation": "document",
                    # The child section is on the page without JavaScript; an adult's answers there are not sent.
                    "a:child-specific:unaccompanied": "yes"})
    response = client.post("/screening/submit/", post_data(page, age="29", citizenship="XP", **answers))
    screening = Screening.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/screening/{screening.pk}/"
    assert str(screening.client_uuid) == dict(hidden_fields(page))["client_uuid"]
    assert (screening.interviewer_language, screening.interviewee_language, screening.interpreter) == ("en", "ar",
                                                                                                       True)
    assert (screening.sex, screening.age_group, screening.is_child, screening.citizenship, screening.work_type) == (
        "female", "25-34", False, "XP", "labour")
    assert screening.outcome == "refer" and not screening.offline and not screening.urgent
    observations = {(o["catalogue"], o["indicator"]): (o["answer"], o["source"])
                    for o in screening.answers["observations"]}
    assert observations[("ilo-ec-operational", "cd-isolation")] == ("no", "document")
    assert observations[("mixed-migration-5", "held")] == ("declined", "self_reported")
    assert observations[("ilo-ec-operational", "dr-job-nature")] == ("yes", "self_reported")
    assert ("child-specific", "unaccompanied") not in observations
    assert len(observations) == 8 and screening.answers["age"] == 29


def test_posting_the_same_form_twice_stores_it_once(client, responder, catalogues):
    _, page = open_interview(client)
    data = post_data(page, **{"a:mixed-migration-5:held": "yes"})
    first = client.post("/screening/submit/", data)
    second = client.post("/screening/submit/", data)
    assert first["Location"] == second["Location"]
    assert Screening.objects.count() == 1


def test_under_18_by_age_is_a_child_and_the_child_items_are_kept(client, responder, catalogues):
    _, page = open_interview(client)
    response = client.post("/screening/submit/", post_data(page, age="15", work_type="none", **{
        "a:child-specific:unaccompanied": "yes", "a:child-specific:sexual": "yes",
        # No work yet: the conditions at work are not asked.
        "a:ilo-ec-operational:ec-hours": "yes"}))
    screening = Screening.objects.get()
    assert response.status_code == 302
    assert screening.is_child and screening.age_group == "12-17" and screening.outcome == "child"
    observations = {(o["indicator"], o["source"]) for o in screening.answers["observations"]}
    assert observations == {("unaccompanied", "self_reported"), ("sexual", "observed")}


def test_the_urgent_button_finishes_at_once_with_the_answers_so_far(client, responder, catalogues):
    _, page = open_interview(client)
    data = post_data(page, **{"a:mixed-migration-5:held": "yes", "urgent": "1"})
    data.pop("work_type")  # not reached yet
    response = client.post("/screening/submit/", data)
    screening = Screening.objects.get()
    assert response.status_code == 302
    assert screening.urgent and screening.outcome == "refer" and screening.work_type == "both"


@pytest.mark.parametrize(("change", "message"), [
    ({"work_type": ""}, "Choose the type of work"),
    ({"citizenship": "ZZ"}, "Select a valid choice"),
    ({"age": "two"}, "Enter a whole number"),
    ({"age": "130"}, "less than or equal to 120"),
    ({"a:ilo-ec-operational:dr-job-nature": "perhaps"}, "the answer is one of"),
    ({"s:mixed-migration-5:held": "rumour"}, "the source is one of"),
    ({"a:ilo-ec-operational:dr-made-up": "yes"}, "unknown indicator dr-made-up"),
    ({"catalogue": ["mixed-migration-5@1999.1"]}, "Unknown catalogue version"),
    ({"started_at": "yesterday"}, "ISO 8601"),
    ({"client_uuid": "not-a-uuid"}, "not a UUID"),
])
def test_a_bad_post_changes_nothing_and_keeps_the_answers(client, responder, catalogues, change, message):
    _, page = open_interview(client)
    data = post_data(page, **{"a:mixed-migration-5:held": "yes", "s:mixed-migration-5:held": "document",
                              "a:ilo-ec-operational:dr-job-nature": "no"})
    data.update(change)
    response = client.post("/screening/submit/", data)
    assert response.status_code == 200
    assert not Screening.objects.exists()
    again = parse(response)
    assert message in again.one("div", data_testid="interview-errors").text
    # What was answered is still answered: nothing to type again.
    assert again.one("input", name="a:mixed-migration-5:held", value="yes").attrs.get("checked") is not None
    source = again.one("select", name="s:mixed-migration-5:held").one("option", selected=True).attrs["value"]
    assert source == ("self_reported" if "s:mixed-migration-5:held" in change else "document")
    assert again.one("select", name="sex").one("option", selected=True).attrs["value"] == "female"
    if "client_uuid" not in change:  # the same interview, finished again once corrected
        assert dict(hidden_fields(again))["client_uuid"] == data["client_uuid"][0]


def test_the_same_id_with_other_answers_is_a_conflict_not_an_overwrite(client, responder, catalogues):
    _, page = open_interview(client)
    client.post("/screening/submit/", post_data(page, **{"a:mixed-migration-5:held": "yes"}))
    stored = Screening.objects.get()
    response = client.post("/screening/submit/", post_data(page, **{"a:mixed-migration-5:held": "no"}))
    assert response.status_code == 409
    conflict = parse(response).one("div", data_testid="interview-conflict")
    assert "Another screening was already received with this id" in conflict.text
    assert f'href="/screening/{stored.pk}/"' in response.content.decode()
    assert Screening.objects.count() == 1
    assert Screening.objects.get().answers["observations"][0]["answer"] == "yes"


def test_the_interview_carries_the_servers_ticket_for_the_form_and_the_script(client, responder, catalogues):
    # The ticket is what lets a screening through after its catalogue version is retired (tickets.py).
    _, page = open_interview(client)
    in_form = dict(hidden_fields(page))["ticket"]
    in_script = json.loads(page.one("script", id="screening-context").text)["ticket"]
    actor = factories.actor(responder)
    _issued, versions = ticket_read(actor, in_form)
    assert ticket_read(actor, in_script)[1] == versions == {(c.code, c.version) for c in catalogues.catalogues}
    assert ticket_read(factories.actor(factories.member(factories.organisation(), [R.FRONTLINE_RESPONDER])),
                       in_form) is None
