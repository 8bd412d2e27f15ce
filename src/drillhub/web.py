"""The few helpers every view shares: who is asking, role guards, forms, pages and flashes."""

import dataclasses
import typing
from datetime import date, datetime
from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.params import PathParameter
from litestar.plugins.htmx import ClientRedirect, HTMXRequest
from litestar.response import Redirect, Template

from drillhub import clients, permissions
from drillhub.audit.service import ANONYMOUS, Actor, record_event
from drillhub.audit.tables import AuditEvent
from drillhub.auth.service import SignedInUser, add_flash, clear_flashes
from drillhub.parse import MAX_ID, text

FormData = TypeVar("FormData")

# A record's id in a path ({session_id:int}): outside 1..MAX_ID the request answers 400 before any query.
RecordId = Annotated[int, PathParameter(ge=1, le=MAX_ID)]


def client_address(connection: ASGIConnection) -> str:
    """The client's address, through the app's trusted proxies (see drillhub.clients): what the audit
    log records; rate limits and sign-in throttles count by clients.limit_key of it."""
    peer = connection.client.host if connection.client else ""
    forwarded_for = ",".join(connection.headers.getall("x-forwarded-for", []))
    return clients.client_address(peer, forwarded_for, connection.app.state.settings.trusted_proxies)


def signed_in(connection: ASGIConnection) -> SignedInUser | None:
    return connection.scope.get("user")


def current_user(connection: ASGIConnection) -> SignedInUser:
    user = signed_in(connection)
    if user is None:
        raise NotAuthorizedException()
    return user


def zone(connection: ASGIConnection) -> ZoneInfo:
    """The signed-in person's agency's time zone (UTC for anyone else): the dates and times they are shown."""
    user = signed_in(connection)
    return ZoneInfo(user.time_zone if user else "UTC")


def today(connection: ASGIConnection) -> date:
    """Today where the signed-in person's agency is."""
    return datetime.now(zone(connection)).date()


def actor(connection: ASGIConnection) -> Actor:
    user = signed_in(connection)
    if user is None:
        return dataclasses.replace(ANONYMOUS, client=client_address(connection))
    return Actor(person_id=user.person_id, label=user.email, client=client_address(connection))


def require_roles(*roles: str):
    """A guard: anonymous callers are sent to sign in; signed-in people without one of `roles`
    get 403, and the refusal is written to the audit log."""

    async def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        user = current_user(connection)
        if not user.has_role(*roles):
            await record_event(
                "access.denied", actor(connection),
                target=f"{connection.scope['method']} {connection.url.path}",
                outcome=AuditEvent.Outcome.denied,
            )
            raise PermissionDeniedException("Your roles do not include this page.")

    return guard


coordinators_only = require_roles(*permissions.COORDINATORS)
admins_only = require_roles(permissions.ADMIN)


async def signed_in_guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """Async, though it awaits nothing: Litestar runs a plain function guard in a worker thread."""
    current_user(connection)


async def read_form(request: Request, form_type: type[FormData]) -> FormData:
    """Fill a dataclass of str and tuple[str, ...] fields from the posted form, without control
    characters (parse.text). Never fails: the service that receives it decides what is valid."""
    form = await request.form()
    hints = typing.get_type_hints(form_type)
    values: dict[str, Any] = {}
    for field in dataclasses.fields(form_type):
        if hints[field.name] == tuple[str, ...]:
            values[field.name] = tuple(text(str(value)) for value in form.getall(field.name, []))
        else:
            values[field.name] = text(str(form.get(field.name, "")))
    return form_type(**values)


async def form_field(request: Request, name: str) -> str:
    """One field of the posted form, read as read_form reads each field."""
    return text(str((await request.form()).get(name, "")))


async def flash(request: Request, message: str, category: str = "success") -> None:
    user = signed_in(request)
    if user is not None:
        await add_flash(user.session_id, message, category)


async def page(request: Request, template_name: str, status_code: int = 200, **context: Any) -> Template:
    """A whole page. base.html shows the session's flash messages, so they are cleared here."""
    user = signed_in(request)
    if user is not None and user.flashes:
        await clear_flashes(user.session_id)
    return Template(template_name=template_name, context=context, status_code=status_code)


def partial(template_name: str, status_code: int = 200, **context: Any) -> Template:
    return Template(template_name=template_name, context=context, status_code=status_code)


async def form_with_errors(
    request: HTMXRequest, page_template: str, partial_template: str, context: dict[str, Any]
) -> Template:
    """The form again, with what was typed and what is wrong: its partial for htmx, else the page."""
    if request.htmx:
        return partial(partial_template, status_code=422, **context)
    return await page(request, page_template, status_code=422, **context)


def go_to(request: HTMXRequest, route: str, query: dict | None = None, **parameters: Any) -> Redirect | ClientRedirect:
    """After a successful change: a full navigation to the named route (with `query`), so the flash
    message shows. The address is a path on this site: an absolute URL would be built from the request's
    Host header and scheme, which the client (or a proxy in front) chooses."""
    path = request.app.route_reverse(route, **parameters) + (f"?{urlencode(query)}" if query else "")
    if request.htmx:
        return ClientRedirect(path)
    return Redirect(path, status_code=303)
