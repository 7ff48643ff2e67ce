"""The interface speaks Russian on request, and the catalogue check catches what would ship half-translated."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from alliance import i18n_check

RU_PO = i18n_check.LOCALE_DIR / "ru" / "LC_MESSAGES" / "django.po"

HEADER = r'''msgid ""
msgstr ""
"Language: ru\n"
"MIME-Version: 1.0\n"
"Content-Type: text/plain; charset=UTF-8\n"
"Content-Transfer-Encoding: 8bit\n"
"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && "
"n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\n"
'''


def write_po(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    path = tmp_path / "ru" / "LC_MESSAGES" / "django.po"
    path.parent.mkdir(parents=True)
    path.write_text(header + "\n" + body, encoding="utf-8")
    return path


def problems_of(path: Path, **kwargs) -> list[tuple[str, str]]:
    found, _entries = i18n_check.check_po(path, check_compiled=False, **kwargs)
    return [(p.kind, p.message) for p in found if p.error]


# --- The real catalogues -------------------------------------------------------------------------------
def test_real_catalogues_pass_the_check(capsys):
    ok, problems = i18n_check.run()
    assert ok, "\n".join(str(p) for p in problems if p.error)
    assert "-> OK" in capsys.readouterr().out


def test_command_line_exits_zero_on_the_real_catalogues(capsys):
    assert i18n_check.main([]) == 0


def test_russian_plural_forms_follow_the_number():
    with translation.override("ru"):
        found = {n: translation.ngettext("%(n)s case found", "%(n)s cases found", n) % {"n": n}
                 for n in (1, 2, 5, 11, 21, 22, 25, 111)}
    assert found == {
        1: "Найдено 1 дело", 2: "Найдено 2 дела", 5: "Найдено 5 дел", 11: "Найдено 11 дел",
        21: "Найдено 21 дело", 22: "Найдено 22 дела", 25: "Найдено 25 дел", 111: "Найдено 111 дел",
    }


# --- Pages in Russian ----------------------------------------------------------------------------------
@pytest.mark.django_db
def test_login_page_in_russian_from_accept_language(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ru" dir="ltr">' in html
    assert "Войти" in html
    assert "Забыли пароль?" in html
    assert "Пароль" in html  # a form label, from Python code rather than a template
    assert "Forgotten your password?" not in html


@pytest.mark.django_db
def test_login_page_in_russian_from_language_cookie(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="ru" dir="ltr">' in html
    assert "Войти" in html


@pytest.mark.django_db
def test_login_page_stays_english_by_default(client):
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert "Forgotten your password?" in html


# --- The checker on broken catalogues ------------------------------------------------------------------
def test_untranslated_entry_is_reported(tmp_path):
    path = write_po(tmp_path, 'msgid "Open the case"\nmsgstr "Открыть дело"\n\n'
                              'msgid "Audit log"\nmsgstr ""\n')
    assert problems_of(path) == [("untranslated", "'Audit log'")]
    out = io.StringIO()
    ok, _problems = i18n_check.run(tmp_path, source_root=None, out=out)
    assert not ok
    assert "untranslated: 'Audit log'" in out.getvalue()
    assert "FAILED" in out.getvalue()


def test_fuzzy_entry_is_reported(tmp_path):
    path = write_po(tmp_path, '#, fuzzy\nmsgid "Audit log"\nmsgstr "Журнал"\n')
    assert problems_of(path) == [("fuzzy", "'Audit log'")]


def test_fuzzy_header_and_wrong_plural_rule_are_reported(tmp_path):
    header = HEADER.replace('msgid ""', '#, fuzzy\nmsgid ""').replace("nplurals=3", "nplurals=4")
    path = write_po(tmp_path, 'msgid "Audit log"\nmsgstr "Журнал аудита"\n', header=header)
    kinds = [kind for kind, _message in problems_of(path)]
    assert "fuzzy" in kinds
    assert "header" in kinds


def test_missing_plural_form_is_reported(tmp_path):
    path = write_po(tmp_path, '#, python-format\nmsgid "%(n)s case found"\nmsgid_plural "%(n)s cases found"\n'
                              'msgstr[0] "Найдено %(n)s дело"\nmsgstr[1] "Найдено %(n)s дела"\n')
    assert problems_of(path) == [("plural form missing", "'%(n)s case found': msgstr[2]")]


@pytest.mark.parametrize(
    ("msgid", "msgstr"),
    [
        ("Case %(number)s opened.", "Дело %(num)s заведено."),
        ("Case %(number)s opened.", "Дело заведено."),
        ("%s of %d", "%d из %s"),
        ("Hello {name}", "Здравствуйте, {имя}"),
        ("Page %(n)s of %(total)s", "Страница %(n)s из 100% %(total)s"),
    ],
)
def test_placeholder_mismatch_is_reported(tmp_path, msgid, msgstr):
    path = write_po(tmp_path, f'msgid "{msgid}"\nmsgstr "{msgstr}"\n')
    assert [kind for kind, _message in problems_of(path)] == ["placeholders"]


def test_multiline_and_escaped_strings_are_read(tmp_path):
    path = write_po(tmp_path, 'msgid ""\n"Say \\"yes\\"\\n"\n"twice"\nmsgstr ""\n"Скажите \\"да\\"\\n"\n"дважды"\n')
    found, entries = i18n_check.check_po(path, check_compiled=False)
    assert [p for p in found if p.error] == []
    assert entries[-1].msgid == 'Say "yes"\ntwice'
    assert entries[-1].msgstr == 'Скажите "да"\nдважды'


def test_message_missing_from_the_catalogue_is_reported(tmp_path):
    path = write_po(tmp_path, 'msgid "Audit log"\nmsgstr "Журнал аудита"\n')
    source = [i18n_check.SourceMessage("Audit log", None, None, "core/x.html:1"),
              i18n_check.SourceMessage("Verify the chain", None, None, "core/x.html:2")]
    assert problems_of(path, source=source) == [
        ("not in catalogue", "'Verify the chain' from core/x.html:2: run makemessages")
    ]


def test_stale_compiled_catalogue_is_reported(tmp_path):
    target = tmp_path / "ru" / "LC_MESSAGES"
    target.mkdir(parents=True)
    shutil.copy(RU_PO.with_suffix(".mo"), target / "django.mo")
    text = RU_PO.read_text(encoding="utf-8").replace('msgstr "Журнал аудита"', 'msgstr "Протокол аудита"')
    (target / "django.po").write_text(text, encoding="utf-8")
    found, _entries = i18n_check.check_po(target / "django.po")
    assert [p.kind for p in found if p.error] == ["stale"]
    assert "Audit log" in found[0].message


def test_missing_compiled_catalogue_is_reported(tmp_path):
    path = write_po(tmp_path, 'msgid "Audit log"\nmsgstr "Журнал аудита"\n')
    found, _entries = i18n_check.check_po(path)
    assert [p.kind for p in found if p.error] == ["missing"]


# --- The source scan matches what makemessages extracts ------------------------------------------------
def test_template_scan_normalises_like_makemessages(tmp_path):
    template = tmp_path / "t.html"
    template.write_text(
        '{% load i18n %}{% translate "100% sure" %}{% trans \'Quoted "word"\' %}'
        '{% translate "May" context "month" %}\n'
        "{% blocktranslate trimmed with a=b %}\n   Hello {{ a }},\n   you have 50%.\n{% endblocktranslate %}\n"
        "{% blocktranslate count counter=items|length %}{{ counter }} item{% plural %}{{ counter }} items"
        "{% endblocktranslate %}\n"
        "{% blocktranslate %}  kept   as\n written {{ x }}{% endblocktranslate %}\n"
        '{{ _("constant")|default:_("fallback") }}'
        '{% comment %}{% translate "commented out" %}{% endcomment %}',
        encoding="utf-8",
    )
    messages, problems = i18n_check.scan_template(template, template.read_text(), tmp_path)
    assert problems == []
    assert {(m.msgctxt, m.msgid, m.msgid_plural) for m in messages} == {
        (None, "100%% sure", None),
        (None, 'Quoted "word"', None),
        ("month", "May", None),
        (None, "Hello %(a)s, you have 50%%.", None),
        (None, "%(counter)s item", "%(counter)s items"),
        (None, "  kept   as\n written %(x)s", None),
        (None, "constant", None),
        (None, "fallback", None),
    }


def test_python_scan_finds_calls_and_flags_what_makemessages_misses(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(
        "from django.utils import translation\n"
        "from django.utils.translation import gettext_lazy as _, gettext_lazy as _lazy, ngettext, pgettext\n"
        '_("one" " joined")\n'
        'translation.gettext("via module")\n'
        'ngettext("%(n)d file", "%(n)d files", 2)\n'
        'pgettext("month", "May")\n'
        '_lazy("hidden from makemessages")\n'
        'name = "x"\n'
        '_(f"Hello {name}")\n',
        encoding="utf-8",
    )
    messages, problems = i18n_check.scan_python(module, module.read_text(), tmp_path)
    assert {(m.msgctxt, m.msgid, m.msgid_plural) for m in messages} == {
        (None, "one joined", None),
        (None, "via module", None),
        (None, "%(n)d file", "%(n)d files"),
        ("month", "May", None),
        (None, "hidden from makemessages", None),
    }
    assert sorted(p.kind for p in problems) == ["f-string", "invisible to makemessages"]
