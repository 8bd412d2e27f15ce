"""A hostile-input walk over the app's route table: every path parameter, query parameter and form field
gets each of a fixed set of hostile values, as a signed-in person holding every role. No answer may be a
5xx or show a traceback. New routes and fields are covered without editing this file: the routes come
from the app, the query parameters from each handler's signature, the form fields from the templates
and from what the handlers read."""

import inspect
import re
from html.parser import HTMLParser
from urllib.parse import quote, urljoin, urlsplit

import pytest

from drillhub.accounts.tables import Person, SupervisedAgency
from drillhub.settings import PROJECT_ROOT
from tests.conftest import new_client
from tests.support import concrete, csrf_token, routes, sign_in

pytestmark = pytest.mark.slow

LONG = "x" * 5_000  # longer than every text column, and than Python's 4,300-digit int limit as digits below
HOSTILE = [
    "", " ", "0", "-1", "+1", "1.5", "1e309", "NaN", "0x10",
    str(2**31), str(2**63), str(2**64), "9" * 5_000,
    "²", "١٢٣", "Ⅻ", "1\u00a0",
    "9999-12-31", "0001-01-01", "9999-12-31T23:59", "0001-01-01T00:00", "2026-02-30", "2026-13-45T25:61",
    "America/Chicago\x00", "Mars/Olympus_Mons", "../../../etc/passwd", "UTC" + "x" * 300,
    "\x00", "a\r\nERROR forged", "<script>alert(1)</script>", "%_%", "' OR 1=1 --", "{{ 7*7 }}", "\ufeff",
    LONG,
]
LIKE_PATTERN = "%" + "_a" * 30_000  # past SQLite's 50,000-byte LIKE pattern limit; query strings only


def template_field_names() -> set[str]:
    """Every form field name the templates send: name="..." and the form macros' first argument."""
    names = set()
    for template in (PROJECT_ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        names |= set(re.findall(r'\bname="([\w\-]+)"', text))
        names |= set(re.findall(r"\{\{\s*(?:input|select|checkboxes|textarea)\('([\w\-]+)'", text))
    return names


def code_field_names() -> set[str]:
    """What the handlers read by name from a form."""
    names = set()
    for module in (PROJECT_ROOT / "src" / "drillhub").rglob("*.py"):
        names |= set(re.findall(r"""(?:form|values)\.get(?:all)?\(["'](\w+)["']""", module.read_text()))
    return names


FIELDS = sorted(template_field_names() | code_field_names() | {"attendance-1", "rating_structured"})


def query_parameters(app, name: str) -> list[str]:
    """The handler's own parameters that are neither injected nor in its path: its query parameters."""
    index = app.get_handler_index_by_name(name)
    path_names = set(re.findall(r"\{(\w+):", "".join(index["paths"])))
    parameters = inspect.signature(index["handler"].fn).parameters
    return [p for p in parameters if p not in {"self", "request", "data", "state", "scope"} | path_names]


def path_variants(path: str, ids: dict) -> list[tuple[str, str]]:
    """(parameter, url) with one parameter at a time made hostile."""
    if "{file_path:path}" in path:  # static files: the value is a path of its own
        return [("file_path", path.replace("{file_path:path}", value)) for value in
                [*(quote(value) for value in HOSTILE), "css/app.css%00", "%00", "..%2f..%2fpyproject.toml"]]
    return [(parameter, concrete(path, {**ids, parameter: quote(value, safe="") or "%20"}))
            for parameter in re.findall(r"\{(\w+):\w+\}", path) for value in HOSTILE]


def broken(response) -> bool:
    return response.status_code >= 500 or "Traceback" in response.text


@pytest.fixture
async def walker(app, make_person, every_record):
    """A client signed in as a person holding every role, supervising the records' agency."""
    me = await make_person(roles=[role.value for role in Person.Role])
    ids = await every_record(staff=me)
    await SupervisedAgency.insert(SupervisedAgency(person=me.id, agency=ids["agency_id"]))
    async with new_client(app) as client:
        await sign_in(client, me.email)
        client.ids = ids
        yield client


async def test_no_hostile_input_gets_a_server_error(app, walker):
    ids, token = walker.ids, await csrf_token(walker)
    failures = []

    async def send(method: str, url: str, what: str, **kwargs) -> None:
        response = await walker.request(method, url, **kwargs)
        if broken(response):
            failures.append(f"{method} {url[:120]} {what}: {response.status_code}")

    for method, path, name in routes(app):
        if name == "auth:sign_out":
            continue
        form = {"_csrf_token": token} if method == "POST" else None
        for parameter, url in path_variants(path, ids):
            await send(method, url, f"({name}, {parameter})", data=form)
        url = concrete(path, ids)
        if method == "POST":
            for value in HOSTILE:
                await send(method, url, f"({name}, every field {value[:20]!r})",
                           data={**dict.fromkeys(FIELDS, value), "_csrf_token": token})
        for parameter in query_parameters(app, name):
            for value in [*HOSTILE, LIKE_PATTERN]:
                await send(method, url, f"({name}, ?{parameter}={value[:20]!r})", params={parameter: value}, data=form)
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures[:2000])


ENDINGS = ("/cancel", "/complete", "/delete", "/revoke", "/reissue", "/active", "/end", "/finalize", "/follow-up")


class FormReader(HTMLParser):
    """The POST forms of a page, each as (action, [(field, value), ...]) with the values as shown."""

    def __init__(self):
        super().__init__()
        self.forms, self._form, self._select, self._textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method", "get").lower() == "post":
            self._form = (attrs.get("action") or "", [])
            self.forms.append(self._form)
        elif self._form is None or "name" not in attrs and tag != "option":
            return
        elif tag == "input" and attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs:
            self._form[1].append((attrs["name"], attrs.get("value") or ""))
        elif tag == "select":
            self._select = [attrs["name"], None]
        elif tag == "option" and self._select is not None and (self._select[1] is None or "selected" in attrs):
            self._select[1] = attrs.get("value") or ""
        elif tag == "textarea":
            self._textarea = [attrs["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            self._form[1].append((self._select[0], self._select[1] or ""))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._form[1].append(tuple(self._textarea))
            self._textarea = None


async def test_each_field_of_each_form_alone(app, walker):
    """The forms as the pages show them, one field at a time made hostile: the other fields are valid, so
    the hostile value gets past the first check and reaches what stores or computes it."""
    forms = {}
    for method, path, name in routes(app):
        if method == "GET" and name != "static":
            url = concrete(path, walker.ids)
            reader = FormReader()
            reader.feed((await walker.get(url)).text)
            for action, fields in reader.forms:
                action = urlsplit(urljoin(url, action)).path
                forms.setdefault((action, tuple(sorted({field for field, _ in fields}))), fields)
    failures = []
    for (action, _), fields in sorted(forms.items(), key=lambda item: item[0][0].endswith(ENDINGS)):
        if action.endswith("/sign-out"):
            continue
        for index, (field, _) in enumerate(fields):
            if field == "_csrf_token":
                continue
            for value in (LONG, "9" * 30, "-1"):
                sent = {}
                for name, shown in [*fields[:index], (field, value), *fields[index + 1:]]:
                    sent.setdefault(name, []).append(shown)
                response = await walker.post(action, data=sent)
                if broken(response):
                    failures.append(f"POST {action} {field}={value[:20]!r}: {response.status_code}")
    assert len(forms) > 20, "the pages should offer many forms"
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures)
