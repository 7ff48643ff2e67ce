"""The import rules of the house plan (docs/architecture.md), read from the source with `ast`, no Django:

(a) the apps form no import cycle: an app is either below another or above it, never both; and each imports
    only the apps before it in APPS, so the order docs/architecture.md gives is the order the code keeps;
(b) `core` imports no other alliance app (it names models by label and resolves them lazily);
(c) views and API handlers never reach a protected model's manager (`Case.objects`): every read of
    personal or case data goes through a selector, which narrows it by the policy and the realm and audits it;
(d) public selectors and services take keyword arguments only, and `actor` comes first when they take one.

Each rule is a plain function over module sources, so the tests at the bottom feed it a synthetic bad module
and show that it would fail; a rule that cannot fail protects nothing.

tests/architecture/test_layout.py pins the file layout (packages per layer); this file pins what the files
may import and call.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = SRC / "alliance"
# The apps in the import graph, lowest first: each may import only those before it. `config` (settings, root
# urls, the API assembly) and `cli.py` sit above every app and may import anything; nothing may import them,
# which the graph checks too.
APPS = ("core", "directory", "cases", "screening", "investigations", "exercises", "web")
TOP = ("config", "cli")
MANAGERS = ("objects", "_default_manager", "_base_manager")

# Models that hold personal or case data: every model with an encrypted field or a realm (found below from
# the model sources, so a new one cannot slip past), plus these, which hold neither but are still case data
# or the record of who saw it.
PROTECTED_WITHOUT_MARKERS = {
    "AuditEvent",  # who read and changed which case: filtered by the auditor's rights in core.selectors
    "Consent",  # a person's consent, per case
    "CaseClock",  # a case's deadlines
    "DutyNotification",  # the duty to notify, per case
    "JobRun",  # a job's result can name cases; job_get_for shows a job to its starter only
}

# Tolerated breaks of a rule, each as (module, function or import) with a comment saying why. Issue 9 left
# none; the test fails if an entry no longer matches anything, so the list can only shrink: a new break is
# fixed, not added here.
KNOWN_VIOLATIONS: set[tuple[str, str]] = set()


@dataclass(frozen=True)
class Module:
    path: str  # relative to src/alliance, e.g. "cases/views/register.py"
    name: str  # dotted, e.g. "alliance.cases.views.register"
    tree: ast.Module

    @property
    def app(self) -> str:
        first = self.path.split("/", 1)[0]
        return first.removesuffix(".py")

    @property
    def package(self) -> str:
        return self.name if self.path.endswith("__init__.py") else self.name.rsplit(".", 1)[0]


def module_from_source(path: str, source: str) -> Module:
    dotted = "alliance." + path.removesuffix(".py").replace("/", ".")
    return Module(path=path, name=dotted.removesuffix(".__init__"), tree=ast.parse(source, filename=path))


def project_modules() -> list[Module]:
    return [module_from_source(p.relative_to(PACKAGE).as_posix(), p.read_text(encoding="utf-8"))
            for p in sorted(PACKAGE.rglob("*.py")) if "migrations" not in p.parts]


def imported_names(module: Module) -> Iterable[tuple[str, int]]:
    """Every dotted name a module imports, anywhere in it (function-level imports count: they are still a
    dependency, only a hidden one), relative imports resolved."""
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            yield target, node.lineno
            for alias in node.names:
                yield f"{target}.{alias.name}", node.lineno


def app_of(dotted: str) -> str | None:
    parts = dotted.split(".")
    if parts[0] != "alliance" or len(parts) < 2:
        return None
    return parts[1] if parts[1] in APPS + TOP else None


@dataclass(frozen=True)
class Problem:
    path: str
    key: str  # what KNOWN_VIOLATIONS names: "imports web", "Consent.objects", or a function's name
    message: str

    def __str__(self) -> str:
        return self.message


# --- (a) and (b): the app graph ------------------------------------------------------------------------------

def app_edges(modules: Iterable[Module], known=frozenset()) -> dict[tuple[str, str], list[tuple[str, int]]]:
    """(importing app, imported app) -> where, as (path, line); imports listed in `known` left out."""
    edges: dict[tuple[str, str], list[tuple[str, int]]] = {}
    for module in modules:
        for dotted, line in imported_names(module):
            target = app_of(dotted)
            if target is None or target == module.app or (module.path, f"imports {target}") in known:
                continue
            wheres = edges.setdefault((module.app, target), [])
            if (module.path, line) not in wheres:
                wheres.append((module.path, line))
    return edges


def graph_problems(edges: dict[tuple[str, str], list[tuple[str, int]]]) -> list[Problem]:
    """Imports of the top (config, cli) and every import on a cycle between apps."""
    problems = [Problem(path, f"imports {target}", f"{path}:{line} imports {target}, which is above every app")
                for (source, target), wheres in sorted(edges.items()) if target in TOP for path, line in wheres]
    graph: dict[str, set[str]] = {}
    for source, target in edges:
        if target not in TOP:
            graph.setdefault(source, set()).add(target)

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            node = todo.pop()
            if node == goal:
                return True
            if node not in seen:
                seen.add(node)
                todo.extend(graph.get(node, ()))
        return False

    for (source, target), wheres in sorted(edges.items()):
        if target not in TOP and reaches(target, source):
            problems += [Problem(path, f"imports {target}",
                                 f"{path}:{line} imports {target}, and {target} imports {source} (a cycle)")
                         for path, line in wheres]
    return problems


def order_problems(edges: dict[tuple[str, str], list[tuple[str, int]]]) -> list[Problem]:
    """Every import of an app that comes later in APPS (above the importer): caught even before the other app
    imports back, which would make it a cycle."""
    return [Problem(path, f"imports {target}", f"{path}:{line} imports {target}, which is above {source}")
            for (source, target), wheres in sorted(edges.items())
            if source in APPS and target in APPS and APPS.index(target) > APPS.index(source)
            for path, line in wheres]


def core_problems(edges: dict[tuple[str, str], list[tuple[str, int]]]) -> list[Problem]:
    return [Problem(path, f"imports {target}", f"{path}:{line} imports {target}: core imports no other app")
            for (source, target), wheres in sorted(edges.items()) if source == "core" for path, line in wheres]


# --- (c): no manager of a protected model in views and API handlers ---------------------------------------------

def is_handler_module(path: str) -> bool:
    parts = path.split("/")
    return (len(parts) == 2 and parts[1] in ("views.py", "api.py")) or (
        len(parts) == 3 and parts[1] in ("views", "api"))


def protected_models(modules: Iterable[Module]) -> set[str]:
    """Model classes with an encrypted or blind-indexed field or a realm foreign key, plus the hand list."""
    found = set(PROTECTED_WITHOUT_MARKERS)
    for module in modules:
        if not (module.path.endswith("models.py") or "/models/" in module.path):
            continue
        for cls in module.tree.body:
            if not isinstance(cls, ast.ClassDef):
                continue
            for statement in cls.body:
                if not (isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Call)):
                    continue
                field = ast.unparse(statement.value.func)
                names = [t.id for t in statement.targets if isinstance(t, ast.Name)]
                if "Encrypted" in field or "BlindIndex" in field or "realm" in names:
                    found.add(cls.name)
    return found


def manager_problems(module: Module, protected: set[str]) -> list[Problem]:
    """`Case.objects`, `models.Case.objects`, `Alias._default_manager`... where the class is protected."""
    aliases = {}
    for node in ast.walk(module.tree):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                aliases[alias.asname or alias.name] = alias.name
    problems = []
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Attribute) and node.attr in MANAGERS:
            owner = node.value
            name = owner.id if isinstance(owner, ast.Name) else owner.attr if isinstance(owner, ast.Attribute) else ""
            model = aliases.get(name, name)
            if model in protected:
                problems.append(Problem(module.path, f"{model}.{node.attr}", f"{module.path}:{node.lineno} uses "
                                        f"{model}.{node.attr}: call a selector or service"))
    return problems


# --- (d): keyword-only selectors and services, actor first ------------------------------------------------------

def is_selector_or_service_module(path: str) -> bool:
    parts = path.split("/")
    if len(parts) == 2:
        return parts[1] in ("selectors.py", "services.py")
    return len(parts) >= 3 and parts[1] in ("selectors", "services")


def signature_problems(module: Module) -> list[Problem]:
    problems = []
    for function in module.tree.body:
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef) or function.name.startswith("_"):
            continue
        args = function.args
        positional = [a.arg for a in args.posonlyargs + args.args]
        where = f"{module.path}:{function.lineno} {function.name}"
        if positional or args.vararg:
            taken = positional or ["*" + args.vararg.arg]
            problems.append(Problem(module.path, function.name, f"{where} takes {taken} by position: make them "
                                    "keyword-only (def f(*, actor, ...)) or the function private (_name)"))
        keywords = [a.arg for a in args.kwonlyargs]
        if "actor" in keywords + positional and keywords[:1] != ["actor"]:
            problems.append(Problem(module.path, function.name,
                                    f"{where}: actor must be the first keyword-only parameter"))
    return problems


# --- the project ----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def modules() -> list[Module]:
    return project_modules()


def unexcused(problems: Iterable[Problem]) -> list[str]:
    return [p.message for p in problems if (p.path, p.key) not in KNOWN_VIOLATIONS]


def test_no_import_cycle_between_apps(modules):
    # Known imports leave the graph first: one tolerated import must not excuse, or hide, a new cycle.
    problems = unexcused(graph_problems(app_edges(modules, known=KNOWN_VIOLATIONS)))
    assert problems == [], "\n".join(problems)


def test_apps_import_only_the_apps_below_them(modules):
    problems = unexcused(order_problems(app_edges(modules)))
    assert problems == [], "\n".join(problems)


def test_core_imports_no_other_app(modules):
    problems = unexcused(core_problems(app_edges(modules)))
    assert problems == [], "\n".join(problems)


def test_views_and_api_never_use_a_protected_manager(modules):
    protected = protected_models(modules)
    problems = unexcused(p for m in modules if is_handler_module(m.path) for p in manager_problems(m, protected))
    assert problems == [], "\n".join(problems)


def test_selectors_and_services_are_keyword_only_with_actor_first(modules):
    problems = unexcused(p for m in modules if is_selector_or_service_module(m.path) for p in signature_problems(m))
    assert problems == [], "\n".join(problems)


def test_every_known_violation_still_exists(modules):
    """A fixed violation leaves the list, so the list cannot keep excusing code that has moved on."""
    protected = protected_models(modules)
    found = {(p.path, p.key) for p in core_problems(app_edges(modules))}
    found |= {(path, f"imports {target}") for (_s, target), wheres in app_edges(modules).items()
              for path, _line in wheres}
    for module in modules:
        if is_handler_module(module.path):
            found |= {(p.path, p.key) for p in manager_problems(module, protected)}
        if is_selector_or_service_module(module.path):
            found |= {(p.path, p.key) for p in signature_problems(module)}
    stale = sorted(KNOWN_VIOLATIONS - found)
    assert stale == [], f"fixed: remove from KNOWN_VIOLATIONS: {stale}"


def test_the_protected_models_are_found(modules):
    protected = protected_models(modules)
    for name in ("Case", "Person", "Screening", "CaseShare", "Note", "Document", "Task", "NrmEvent",
                 "AuditEvent", "Consent", "EmergencyOverride"):
        assert name in protected, name
    assert "Organisation" not in protected  # public directory data: names of agencies


# --- each rule fails on a bad module ----------------------------------------------------------------------------

def test_a_cycle_between_apps_is_caught():
    bad = [module_from_source("cases/views/panels.py", "from alliance.screening.selectors import screenings\n"),
           module_from_source("screening/services/referral.py", "from alliance.cases.services import register\n")]
    problems = [str(p) for p in graph_problems(app_edges(bad))]
    assert "cases/views/panels.py:1 imports screening, and screening imports cases (a cycle)" in problems
    assert "screening/services/referral.py:1 imports cases, and cases imports screening (a cycle)" in problems


def test_a_hidden_function_level_import_still_makes_a_cycle():
    bad = [module_from_source("directory/selectors.py", "def f():\n    from alliance.core import middleware\n"),
           module_from_source("core/middleware.py", "def g():\n    from ..directory.selectors import f\n")]
    assert len(graph_problems(app_edges(bad))) == 2


def test_an_import_of_a_higher_app_is_caught_before_it_makes_a_cycle():
    bad = [module_from_source("exercises/services/runs.py", "from alliance.web.views import home\n"),
           module_from_source("cases/selectors/register.py", "from alliance.screening.models import Screening\n")]
    assert graph_problems(app_edges(bad)) == []  # no cycle yet: neither is imported back
    assert [str(p) for p in order_problems(app_edges(bad))] == [
        "cases/selectors/register.py:1 imports screening, which is above cases",
        "exercises/services/runs.py:1 imports web, which is above exercises"]


def test_an_import_of_config_is_caught():
    bad = [module_from_source("core/keyring.py", "from alliance.config.secrets import write_private_file\n")]
    assert [str(p) for p in graph_problems(app_edges(bad))] == [
        "core/keyring.py:1 imports config, which is above every app"]


def test_core_importing_an_app_is_caught():
    bad = [module_from_source("core/management/commands/createadmin.py",
                              "from alliance.directory.services import staff_add\n")]
    assert [str(p) for p in core_problems(app_edges(bad))] == [
        "core/management/commands/createadmin.py:1 imports directory: core imports no other app"]


def test_the_graph_of_a_good_layering_is_clean():
    good = [module_from_source("cases/views/register.py", "from alliance.core.errors import NotFound\n"),
            module_from_source("web/dashboard.py", "from alliance.cases.selectors import register\n"),
            module_from_source("config/urls.py", "from alliance.web import views\n")]
    assert graph_problems(app_edges(good)) == [] and core_problems(app_edges(good)) == []
    assert order_problems(app_edges(good)) == []


@pytest.mark.parametrize("source", [
    "from alliance.cases.models import Case\ndef page(request):\n    return Case.objects.get(pk=1)\n",
    "from alliance.cases.models import Case as C\ndef page(request):\n    return C._default_manager.all()\n",
    "from alliance.cases import models\ndef page(request):\n    return models.Person.objects.all()\n",
])
@pytest.mark.parametrize("path", ["cases/views/register.py", "cases/api/register.py", "directory/views.py"])
def test_a_protected_manager_in_a_handler_is_caught(path, source):
    assert is_handler_module(path)
    assert len(manager_problems(module_from_source(path, source), {"Case", "Person"})) == 1


def test_public_models_and_non_handlers_are_left_alone():
    source = "from alliance.directory.models import Organisation\nx = Organisation.objects.all()\n"
    assert manager_problems(module_from_source("directory/views.py", source), {"Case"}) == []
    for path in ("cases/selectors/register.py", "cases/services/register.py", "web/demo.py"):
        assert not is_handler_module(path)


def test_a_protected_model_is_found_by_its_fields():
    source = ("class Secret(models.Model):\n    text = EncryptedTextField()\n"
              "class Scoped(models.Model):\n    realm = models.ForeignKey(Realm, on_delete=models.PROTECT)\n"
              "class Plain(models.Model):\n    name = models.CharField(max_length=9)\n")
    found = protected_models([module_from_source("cases/models/register.py", source)])
    assert {"Secret", "Scoped"} <= found and "Plain" not in found


@pytest.mark.parametrize(("source", "expected"), [
    ("def case_get_for(actor, case_id):\n    pass\n", "by position"),
    ("def case_get_for(*args, actor):\n    pass\n", "by position"),
    ("def case_get_for(*, case_id, actor):\n    pass\n", "actor must be the first"),
    ("def case_get_for(actor, *, case_id):\n    pass\n", "by position"),
])
@pytest.mark.parametrize("path", ["cases/selectors/register.py", "cases/services/casefile/gate.py",
                                  "directory/services.py", "core/selectors.py"])
def test_a_positional_or_misplaced_actor_is_caught(path, source, expected):
    assert is_selector_or_service_module(path)
    problems = [str(p) for p in signature_problems(module_from_source(path, source))]
    assert any(expected in p for p in problems), problems


def test_private_functions_and_methods_may_take_positions():
    source = ("def _gate(actor, case_id):\n    pass\n"
              "class Result:\n    def total(self, extra):\n        pass\n"
              "def case_list_for(*, actor, page=1):\n    pass\n"
              "def retention_run(*, today=None):\n    pass\n")
    assert signature_problems(module_from_source("cases/services/retention.py", source)) == []


def test_a_known_import_excuses_only_itself():
    bad = [module_from_source("cases/views/register.py", "from alliance.web.forms_errors import apply_errors\n"),
           module_from_source("cases/forms/register.py", "from alliance.web.widgets import LongSelect\n"),
           module_from_source("web/dashboard.py", "from alliance.cases.selectors import register\n")]
    known = {("cases/views/register.py", "imports web")}
    problems = [str(p) for p in graph_problems(app_edges(bad, known=known))]
    assert "cases/forms/register.py:1 imports web, and web imports cases (a cycle)" in problems
    assert not any(p.startswith("cases/views/register.py") for p in problems)
