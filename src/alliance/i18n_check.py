"""Check the translation catalogues; exit 1 and list the messages when one is not fit to ship.

    python -m alliance.i18n_check

For every src/alliance/locale/<language>/LC_MESSAGES/django.po it reports:

* entries that are untranslated (allowed in an English catalogue only: the msgids are English),
  fuzzy, or miss a plural form; a header without the plural rule the language needs;
* placeholders (%(name)s, %s, %d, {name}) that differ between the English text and its translation;
* a django.mo that is missing or does not hold exactly what the .po holds (compilemessages not run);
* messages marked for translation in the source that the catalogue does not have (makemessages not
  run), and calls that makemessages cannot see (an f-string, or a translation function imported
  under another name).

It needs neither GNU gettext nor a database. The source is scanned the way makemessages scans it:
.py files through the syntax tree, .html and .txt files with Django's own template lexer and the
regular expressions of django.utils.translation.template. To regenerate the catalogues (needs
GNU gettext), from src/alliance, then translate what is new and compile:

    export ALLIANCE_PROFILE=test ALLIANCE_VAR_DIR=/tmp/i18n-var
    ../../.venv/bin/django-admin makemessages -l ru --settings=alliance.config.settings --ignore=migrations
    ../../.venv/bin/django-admin compilemessages --settings=alliance.config.settings
"""

from __future__ import annotations

import argparse
import ast
import fnmatch
import gettext
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
LOCALE_DIR = PACKAGE_DIR / "locale"
DOMAIN = "django"

# What makemessages skips: its default patterns plus the --ignore we pass it.
IGNORED_NAMES = ("CVS", ".*", "*~", "*.pyc", "__pycache__", "migrations", "locale")
TEMPLATE_SUFFIXES = (".html", ".txt")

# The msgids are English: an English catalogue may leave an entry empty (Django then shows the msgid).
SOURCE_LANGUAGE = "en"

# The plural rule each language must use (gettext's Plural-Forms expression).
EXPECTED_PLURALS = {
    "en": "(n != 1)",
    "ru": "(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2)",
}

# xgettext's Python keywords plus the ones makemessages adds: name -> (context, singular, plural) argument
# positions. xgettext matches the bare name, also after a dot (translation.gettext(...)).
KEYWORDS: dict[str, tuple[int | None, int, int | None]] = {
    "_": (None, 0, None),
    "gettext": (None, 0, None),
    "ugettext": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "ngettext": (None, 0, 1),
    "ungettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}
TRANSLATION_MODULE = "django.utils.translation"

PERCENT_RE = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?(?P<type>[diouxXeEfFgGcrsab%])"
)
BRACE_RE = re.compile(r"\{\{|\}\}|\{(?P<name>[A-Za-z_][\w.\[\]]*|\d*)(?:![rsa])?(?::[^{}]*)?\}")


@dataclass
class Problem:
    where: str  # "path:line"
    kind: str
    message: str  # the msgid (or a description)
    error: bool = True

    def __str__(self) -> str:
        return f"{_shown(self.where)}: {self.kind}: {self.message}"


def _shown(where: str) -> str:
    """A path relative to the working directory when it lies below it, else as it is."""
    try:
        return str(Path(where).relative_to(Path.cwd()))
    except ValueError:
        return where


@dataclass
class Entry:
    lineno: int
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def label(self) -> str:
        text = repr(self.msgid)
        return f"{text} (context {self.msgctxt!r})" if self.msgctxt is not None else text


@dataclass(frozen=True)
class SourceMessage:
    msgid: str
    msgctxt: str | None
    msgid_plural: str | None
    where: str


class PoSyntaxError(ValueError):
    pass


# --- Reading a .po file -------------------------------------------------------------------------------
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_ESCAPE_RE = re.compile(r"\\(?:([ntr\"\\abfv])|([0-7]{1,3})|x([0-9A-Fa-f]{1,2}))")
_KEYWORD_RE = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s*(\".*)$")


def _unquote(text: str, lineno: int) -> str:
    text = text.strip()
    if len(text) < 2 or not text.startswith('"') or not text.endswith('"'):
        raise PoSyntaxError(f"line {lineno}: expected a quoted string, found {text!r}")
    body = text[1:-1]
    if re.search(r'(?<!\\)(?:\\\\)*"', body):
        raise PoSyntaxError(f"line {lineno}: unescaped quote in {text!r}")

    def replace(match: re.Match) -> str:
        if match[1]:
            return _ESCAPES[match[1]]
        return chr(int(match[2], 8) if match[2] else int(match[3], 16))

    return _ESCAPE_RE.sub(replace, body)


def parse_po(text: str) -> list[Entry]:
    """Entries in file order, the header (msgid "") included, obsolete (#~) entries left out."""
    entries: list[Entry] = []
    current: Entry | None = None
    has_msgstr = False
    last: tuple[str, int | None] | None = None  # the field a continuation line extends
    pending_flags: set[str] = set()
    pending_line = 0

    def finish() -> None:
        nonlocal current, last, has_msgstr
        if current is not None:
            entries.append(current)
        current, last, has_msgstr = None, None, False

    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            finish()
            pending_flags, pending_line = set(), 0
            continue
        if line.startswith("#"):
            if has_msgstr:
                finish()  # a comment starts the next entry, even without a blank line
            if line.startswith("#~"):
                pending_flags, pending_line = set(), 0  # an obsolete entry: neither compiled nor checked
            elif line.startswith("#,"):
                pending_flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
                pending_line = pending_line or lineno
            continue
        match = _KEYWORD_RE.match(line)
        if match:
            keyword, index, value = match[1], match[2], _unquote(match[3], lineno)
            if keyword in ("msgctxt", "msgid") and has_msgstr:
                finish()
            if current is None:
                current = Entry(lineno=pending_line or lineno, flags=pending_flags)
                pending_flags, pending_line = set(), 0
            if keyword == "msgstr" and index is not None:
                current.msgstr_plural[int(index)] = value
                last, has_msgstr = ("msgstr", int(index)), True
            else:
                setattr(current, keyword, value)
                last, has_msgstr = (keyword, None), has_msgstr or keyword == "msgstr"
            continue
        if line.startswith('"') and current is not None and last is not None:
            value = _unquote(line, lineno)
            keyword, index = last
            if index is not None:
                current.msgstr_plural[index] += value
            else:
                setattr(current, keyword, (getattr(current, keyword) or "") + value)
            continue
        raise PoSyntaxError(f"line {lineno}: cannot read {line!r}")
    finish()
    return entries


def parse_header(text: str) -> dict[str, str]:
    header = {}
    for line in text.splitlines():
        name, sep, value = line.partition(":")
        if sep:
            header[name.strip().lower()] = value.strip()
    return header


def plural_rule(header: dict[str, str]) -> tuple[int, str] | None:
    match = re.search(r"nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?)\s*;?\s*$", header.get("plural-forms", ""))
    return (int(match[1]), match[2]) if match else None


# --- Placeholders ---------------------------------------------------------------------------------------
def placeholders(text: str) -> tuple[frozenset[str], tuple[str, ...], frozenset[str], bool]:
    """Named %-placeholders, positional ones in order, {brace} fields, and whether a stray % remains."""
    named, positional = set(), []
    for match in PERCENT_RE.finditer(text):
        if match["type"] == "%":
            continue
        if match["name"] is not None:
            named.add(match[0])
        else:
            positional.append(match[0])
    stray = "%" in PERCENT_RE.sub("", text)
    braces = frozenset(m[0] for m in BRACE_RE.finditer(text) if m[0] not in ("{{", "}}"))
    return frozenset(named), tuple(positional), braces, stray


def placeholder_difference(source: str, translation: str) -> str | None:
    s_named, s_pos, s_brace, s_stray = placeholders(source)
    t_named, t_pos, t_brace, t_stray = placeholders(translation)
    if s_named != t_named:
        return f"named placeholders {sorted(s_named)} became {sorted(t_named)}"
    if s_pos != t_pos:
        return f"placeholders {list(s_pos)} became {list(t_pos)}"
    if s_brace != t_brace:
        return f"brace fields {sorted(s_brace)} became {sorted(t_brace)}"
    if t_stray and not s_stray and (s_named or s_pos):
        return "a lone % in the translation (write %% for a percent sign)"
    return None


# --- Checking one catalogue -----------------------------------------------------------------------------
def _mo_key(entry: Entry) -> str:
    return f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt is not None else entry.msgid


def expected_mo_catalog(entries: list[Entry]) -> dict:
    """What msgfmt writes for these entries, in the shape gettext.GNUTranslations reads it into."""
    catalog: dict = {}
    for entry in entries:
        if entry.fuzzy and entry.msgid:
            continue
        if entry.msgid_plural is not None:
            forms = [entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural)]
            if forms and all(forms):
                for i, form in enumerate(forms):
                    catalog[(_mo_key(entry), i)] = form
        elif entry.msgstr:
            catalog[_mo_key(entry)] = entry.msgstr
    return catalog


_POT_DATE_RE = re.compile(r"^POT-Creation-Date:.*\n?", re.MULTILINE)


def check_mo(po_path: Path, entries: list[Entry]) -> list[Problem]:
    mo_path = po_path.with_suffix(".mo")
    where = f"{mo_path}:1"
    if not mo_path.exists():
        return [Problem(where, "missing", "no compiled catalogue: run compilemessages")]
    try:
        with mo_path.open("rb") as handle:
            compiled = dict(gettext.GNUTranslations(handle)._catalog)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return [Problem(where, "unreadable", str(exc))]
    expected = expected_mo_catalog(entries)
    for catalog in (expected, compiled):  # msgfmt from gettext 0.19.8 on leaves this field out
        if "" in catalog:
            catalog[""] = _POT_DATE_RE.sub("", catalog[""])
    differences = sorted(
        (repr(k[0] if isinstance(k, tuple) else k) for k in expected.keys() | compiled.keys()
         if expected.get(k) != compiled.get(k)),
    )
    if not differences:
        return []
    shown = ", ".join(dict.fromkeys(differences[:3]))
    return [Problem(where, "stale", f"{len(differences)} entries differ from the .po (e.g. {shown}): "
                                    "run compilemessages")]


def check_po(po_path: Path, *, source: list[SourceMessage] | None = None, language: str | None = None,
             check_compiled: bool = True) -> tuple[list[Problem], list[Entry]]:
    """Every problem of one .po file (and of its .mo next to it, when check_compiled)."""
    po_path = Path(po_path)
    language = language or (po_path.parent.parent.name if po_path.parent.name == "LC_MESSAGES" else None)
    problems: list[Problem] = []

    def problem(line: int, kind: str, message: str, *, error: bool = True) -> None:
        problems.append(Problem(f"{po_path}:{line}", kind, message, error))

    try:
        entries = parse_po(po_path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as exc:
        problem(1, "encoding", f"not UTF-8 ({exc})")
        return problems, []
    except PoSyntaxError as exc:
        problem(1, "syntax", str(exc))
        return problems, []

    header_entry = next((e for e in entries if e.msgid == "" and e.msgctxt is None), None)
    nplurals = None
    if header_entry is None:
        problem(1, "header", "no header entry (msgid \"\")")
    else:
        header = parse_header(header_entry.msgstr)
        if header_entry.fuzzy:
            problem(header_entry.lineno, "fuzzy", "the header is marked fuzzy, so msgfmt ignores it")
        if "utf-8" not in header.get("content-type", "").lower():
            problem(header_entry.lineno, "header", "Content-Type must declare charset=UTF-8")
        if language and header.get("language", "") != language:
            problem(header_entry.lineno, "header", f"Language is {header.get('language', '')!r}, not {language!r}")
        rule = plural_rule(header)
        if rule is None:
            problem(header_entry.lineno, "header", "no valid Plural-Forms line")
        else:
            nplurals, expression = rule
            try:
                pick = gettext.c2py(expression)
                forms_used = {pick(n) for n in range(1000)}
            except (ValueError, SyntaxError, RecursionError) as exc:
                problem(header_entry.lineno, "header", f"cannot evaluate the plural expression: {exc}")
            else:
                if forms_used != set(range(nplurals)):
                    problem(header_entry.lineno, "header",
                            f"nplurals={nplurals} but the expression yields forms {sorted(forms_used)}")
                wanted = EXPECTED_PLURALS.get(language or "")
                if wanted is not None:
                    reference = gettext.c2py(wanted)
                    if any(pick(n) != reference(n) for n in range(1000)):
                        problem(header_entry.lineno, "header", f"Plural-Forms for {language} must be "
                                f"nplurals={len({reference(n) for n in range(1000)})}; plural={wanted};")

    seen: dict[tuple[str | None, str], int] = {}
    for entry in entries:
        if entry is header_entry:
            continue
        if entry.key in seen:
            problem(entry.lineno, "duplicate", f"{entry.label} (first at line {seen[entry.key]})")
            continue
        seen[entry.key] = entry.lineno
        if entry.fuzzy:
            problem(entry.lineno, "fuzzy", entry.label)
            continue
        if entry.msgid_plural is None:
            if entry.msgstr_plural:
                problem(entry.lineno, "syntax", f"{entry.label} has msgstr[n] without msgid_plural")
            elif not entry.msgstr:
                if language != SOURCE_LANGUAGE:
                    problem(entry.lineno, "untranslated", entry.label)
            else:
                difference = placeholder_difference(entry.msgid, entry.msgstr)
                if difference:
                    problem(entry.lineno, "placeholders", f"{entry.label}: {difference}")
            continue
        expected_forms = range(nplurals if nplurals is not None else max(len(entry.msgstr_plural), 1))
        missing = [i for i in expected_forms if not entry.msgstr_plural.get(i)]
        extra = sorted(set(entry.msgstr_plural) - set(expected_forms))
        if missing and len(missing) == len(expected_forms):
            if language != SOURCE_LANGUAGE:
                problem(entry.lineno, "untranslated", entry.label)
            continue
        if missing:
            problem(entry.lineno, "plural form missing", f"{entry.label}: msgstr{missing}")
        if extra:
            problem(entry.lineno, "plural form extra", f"{entry.label}: msgstr{extra} beyond nplurals={nplurals}")
        for index, form in sorted(entry.msgstr_plural.items()):
            if not form:
                continue
            # A form may follow the singular or the plural English text (Russian form 0 also serves 21, 31...).
            differences = [placeholder_difference(text, form) for text in (entry.msgid_plural, entry.msgid)]
            if all(differences):
                problem(entry.lineno, "placeholders", f"{entry.label} msgstr[{index}]: {differences[0]}")

    if source is not None:
        catalogue = {e.key: e for e in entries if e is not header_entry}
        for message in source:
            entry = catalogue.get((message.msgctxt, message.msgid))
            label = repr(message.msgid) + (f" (context {message.msgctxt!r})" if message.msgctxt is not None else "")
            if entry is None:
                problem(1, "not in catalogue", f"{label} from {message.where}: run makemessages")
            elif (entry.msgid_plural or None) != (message.msgid_plural or None):
                problem(entry.lineno, "plural differs", f"{label}: the source's plural is "
                        f"{message.msgid_plural!r}, the catalogue's {entry.msgid_plural!r}: run makemessages")
        used = {(m.msgctxt, m.msgid) for m in source}
        stale = [e for e in entries if e is not header_entry and e.key not in used]
        if stale:
            problem(stale[0].lineno, "not in source",
                    f"{len(stale)} entries no longer used (e.g. {stale[0].label}); makemessages will mark them "
                    "obsolete", error=False)

    if check_compiled:
        problems.extend(check_mo(po_path, entries))
    return problems, entries


# --- Scanning the source ------------------------------------------------------------------------------
def _ignored(path: Path, root: Path) -> bool:
    return any(fnmatch.fnmatch(part, pattern) for part in path.relative_to(root).parts for pattern in IGNORED_NAMES)


def source_files(root: Path = PACKAGE_DIR) -> list[Path]:
    return sorted(
        p for p in root.rglob("*")
        if p.is_file() and p.suffix in (".py", *TEMPLATE_SUFFIXES) and not _ignored(p, root)
    )


def _literal(node: ast.expr) -> str | None:
    """The string xgettext would read: a literal, adjacent or +-joined literals, an f-string without fields."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _literal(node.left), _literal(node.right)
        return left + right if left is not None and right is not None else None
    if isinstance(node, ast.JoinedStr) and all(isinstance(v, ast.Constant) for v in node.values):
        return "".join(v.value for v in node.values)
    return None


def scan_python(path: Path, text: str, where_root: Path) -> tuple[list[SourceMessage], list[Problem]]:
    rel = path.relative_to(where_root)
    try:
        tree = ast.parse(text, filename=str(path))
    except SyntaxError as exc:
        return [], [Problem(f"{path}:{exc.lineno or 1}", "syntax", f"cannot parse: {exc.msg}")]
    aliases: dict[str, str] = {}  # translation functions imported under a name makemessages does not know
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == TRANSLATION_MODULE:
            for name in node.names:
                if name.name in KEYWORDS and name.asname and name.asname not in KEYWORDS:
                    aliases[name.asname] = name.name
    messages: list[SourceMessage] = []
    problems: list[Problem] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
        if name is None:
            continue
        where = f"{rel}:{node.lineno}"
        if name in aliases and isinstance(func, ast.Name):
            problems.append(Problem(f"{path}:{node.lineno}", "invisible to makemessages",
                                    f"{name}() is {aliases[name]} under another name; import it as _ or "
                                    f"{aliases[name]}"))
            spec = KEYWORDS[aliases[name]]
        elif name in KEYWORDS:
            spec = KEYWORDS[name]
        else:
            continue
        ctx_index, singular_index, plural_index = spec
        if len(node.args) <= max(i for i in spec if i is not None):
            continue
        values = [None if i is None else _literal(node.args[i]) for i in spec]
        if values[1] is None:
            if isinstance(node.args[singular_index], ast.JoinedStr):
                problems.append(Problem(f"{path}:{node.lineno}", "f-string",
                                        f"{name}() gets an f-string, which is never found in the catalogue; "
                                        "use a %(name)s placeholder"))
            continue
        if (ctx_index is not None and values[0] is None) or (plural_index is not None and values[2] is None):
            continue
        messages.append(SourceMessage(values[1], values[0], values[2], where))
    return messages, problems


def scan_template(path: Path, text: str, where_root: Path) -> tuple[list[SourceMessage], list[Problem]]:
    """The messages makemessages takes from a template (mirrors django.utils.translation.template)."""
    from django.template.base import Lexer, TokenType
    from django.utils.translation import trim_whitespace
    from django.utils.translation.template import (
        block_re,
        constant_re,
        context_re,
        endblock_re,
        inline_re,
        plural_re,
    )

    rel = path.relative_to(where_root)
    messages: list[SourceMessage] = []

    def unquote(token: str) -> str:
        return token.strip('"') if token[0] == '"' else token.strip("'")

    def constant(quoted: str, lineno: int) -> None:
        try:
            value = ast.literal_eval(quoted)
        except (ValueError, SyntaxError):
            value = quoted[1:-1]
        messages.append(SourceMessage(value, None, None, f"{rel}:{lineno}"))

    intrans = inplural = trimmed = False
    context: str | None = None
    singular: list[str] = []
    plural: list[str] = []
    start = 0
    try:
        tokens = Lexer(text).tokenize()
    except Exception as exc:  # a template the lexer rejects: report it, keep checking the rest
        return [], [Problem(f"{path}:1", "syntax", f"cannot lex: {exc}")]
    incomment = False
    for token in tokens:
        if incomment:
            incomment = not (token.token_type == TokenType.BLOCK and token.contents == "endcomment")
        elif intrans:
            if token.token_type == TokenType.BLOCK:
                if endblock_re.match(token.contents):
                    text_singular, text_plural = "".join(singular), "".join(plural)
                    if trimmed:
                        text_singular, text_plural = trim_whitespace(text_singular), trim_whitespace(text_plural)
                    messages.append(SourceMessage(text_singular, context, text_plural if inplural else None,
                                                  f"{rel}:{start}"))
                    intrans = inplural = False
                    context, singular, plural = None, [], []
                elif plural_re.match(token.contents):
                    inplural = True
                else:
                    return messages, [Problem(f"{path}:{token.lineno}", "syntax",
                                              f"block tag {{% {token.contents} %}} inside blocktranslate")]
            elif token.token_type == TokenType.VAR:
                (plural if inplural else singular).append(f"%({token.contents})s")
            elif token.token_type == TokenType.TEXT:
                (plural if inplural else singular).append(token.contents.replace("%", "%%"))
        elif token.token_type == TokenType.BLOCK:
            inline, block = inline_re.match(token.contents), block_re.match(token.contents)
            if inline:
                message = unquote(inline[1]).replace("%", "%%")
                message_context = unquote(context_re.match(inline[2])[1]) if inline[2] else None
                messages.append(SourceMessage(message, message_context, None, f"{rel}:{token.lineno}"))
            elif block:
                for quoted in constant_re.findall(token.contents):
                    constant(quoted, token.lineno)
                context = unquote(context_re.match(block[1])[1]) if block[1] else None
                intrans, inplural, start = True, False, token.lineno
                trimmed = "trimmed" in token.split_contents()
                singular, plural = [], []
            elif token.contents == "comment":
                incomment = True
            else:
                for quoted in constant_re.findall(token.contents):
                    constant(quoted, token.lineno)
        elif token.token_type == TokenType.VAR:
            parts = token.contents.split("|")
            match = constant_re.match(parts[0])
            if match:
                constant(match[1], token.lineno)
            for part in parts[1:]:
                if ":_(" in part:
                    match = constant_re.search(part.split(":", 1)[1])
                    if match:
                        constant(match[1], token.lineno)
    if intrans:
        return messages, [Problem(f"{path}:{start}", "syntax", "blocktranslate without endblocktranslate")]
    return messages, []


def scan_source(root: Path = PACKAGE_DIR) -> tuple[list[SourceMessage], list[Problem]]:
    """Every message marked for translation under root, first occurrence kept, and the scan's problems."""
    found: dict[tuple[str | None, str], SourceMessage] = {}
    problems: list[Problem] = []
    for path in source_files(root):
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            problems.append(Problem(f"{path}:1", "encoding", f"not UTF-8 ({exc})"))
            continue
        scanner = scan_python if path.suffix == ".py" else scan_template
        messages, file_problems = scanner(path, text, root)
        problems.extend(file_problems)
        for message in messages:
            if message.msgid:  # xgettext ignores empty strings
                found.setdefault((message.msgctxt, message.msgid), message)
    return list(found.values()), problems


# --- Command line -------------------------------------------------------------------------------------
def catalogues(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    return sorted(locale_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def run(locale_dir: Path = LOCALE_DIR, source_root: Path | None = PACKAGE_DIR,
        out=None) -> tuple[bool, list[Problem]]:
    out = out or sys.stdout
    problems: list[Problem] = []
    source = None
    if source_root is not None:
        source, scan_problems = scan_source(source_root)
        problems.extend(scan_problems)
    paths = catalogues(locale_dir)
    if not paths:
        problems.append(Problem(f"{locale_dir}", "missing", f"no */LC_MESSAGES/{DOMAIN}.po catalogue"))
    summaries = []
    for path in paths:
        found, entries = check_po(path, source=source)
        problems.extend(found)
        messages = [e for e in entries if e.msgid]
        done = sum(1 for e in messages if not e.fuzzy and (
            e.msgstr if e.msgid_plural is None else e.msgstr_plural and all(e.msgstr_plural.values())))
        errors = sum(p.error for p in found)
        summaries.append(f"{path.parent.parent.name}: {done}/{len(messages)} translated, "
                         f"{errors} problem{'s' if errors != 1 else ''}")
    for item in problems:
        print(("error " if item.error else "note  ") + str(item), file=out)
    errors = [p for p in problems if p.error]
    scanned = f"{len(source)} messages in the source; " if source is not None else ""
    print(f"i18n check: {scanned}{'; '.join(summaries) or 'no catalogues'} -> "
          f"{'FAILED with ' + str(len(errors)) + ' problem(s)' if errors else 'OK'}", file=out)
    return not errors, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m alliance.i18n_check", description=__doc__.split("\n\n")[0])
    parser.add_argument("--locale-dir", type=Path, default=LOCALE_DIR)
    parser.add_argument("--source-dir", type=Path, default=PACKAGE_DIR,
                        help="the tree to scan for marked messages (default: the alliance package)")
    parser.add_argument("--no-source", action="store_true", help="check the catalogues only")
    args = parser.parse_args(argv)
    ok, _problems = run(args.locale_dir, None if args.no_source else args.source_dir)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
