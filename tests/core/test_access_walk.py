"""The access walk: every page and every API operation of the project, for every built-in
role, must do what its declaration says (ROLE-1, ROLE-2). A new page cannot forget.

Generic on purpose: it reads the URL configuration and the Ninja API at run time, so it
covers pages added later without being edited. A path is built by filling each URL
argument (a 404 is fine — what is checked is 403 versus not 403, which the access
middleware decides before the view runs).
"""

import re
from dataclasses import dataclass

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, include, path, resolve
from django.urls.resolvers import RegexPattern, RoutePattern

from shopops.accounts.roles import BUILTIN_ROLES
from shopops.core.access import LOGIN, PUBLIC, access, is_shopops_view, user_can

ROLE_CODES = [code for code, _, _ in BUILTIN_ROLES]
API_ROOT = "/api/v1/"
MISSING_PK = "987654321"  # an id no row has: the page answers 404 once access is granted
CONVERTER_VALUES = {"int": MISSING_PK, "str": "x", "slug": "x", "path": "x",
                    "uuid": "00000000-0000-0000-0000-000000000000"}
LOGIN_PREFIX = "/accounts/login/"
# Views from outside ShopOps are not checked by the access middleware, so each one
# mounted in the URL configuration must be listed here with the reason it is safe.
FOREIGN_VIEWS_ALLOWED = {
    "django.views.i18n.set_language",  # switches the interface language, no data
    "django.views.i18n.JavaScriptCatalog",  # translations for scripts, no data
}


def _arg_values(ctx):
    """Real values where a made-up one would not reach the page at all."""
    from shopops.core.approvals import KINDS

    return {
        ("core:setting_edit", "key"): "accounts.password_min_length",
        ("core:approval_chain_edit", "kind"): next(iter(sorted(KINDS)), "x"),
        ("accounts:staff_detail", "pk"): str(ctx["someone"].pk),
    }


@dataclass
class Page:
    route: str
    name: str
    callback: object
    patterns: tuple

    @property
    def requirement(self):
        return getattr(self.callback, "shopops_access", None)

    @property
    def label(self):
        return f"{self.name or '(unnamed)'} /{self.route}"

    def build(self, ctx) -> str:
        overrides = _arg_values(ctx)
        parts = []
        for pattern in self.patterns:
            parts.append(_fill(pattern, lambda arg, conv: overrides.get(
                (self.name, arg), CONVERTER_VALUES.get(conv, "x"))))
        return "/" + "".join(parts)


def _fill(pattern, value_for) -> str:
    if isinstance(pattern, RoutePattern):
        return re.sub(r"<(?:(?P<conv>[^>:]+):)?(?P<arg>[^>]+)>",
                      lambda m: value_for(m["arg"], m["conv"] or "str"), str(pattern))
    if isinstance(pattern, RegexPattern):
        regex = str(pattern).lstrip("^").rstrip("$").replace("\\Z", "")

        def group(m):
            return value_for(m["arg"], "int" if "0-9" in m["body"] or "\\d" in m["body"]
                             else "str")

        text = re.sub(r"\(\?P<(?P<arg>\w+)>(?P<body>[^)]*)\)", group, regex)
        return text.replace("\\", "")
    raise AssertionError(f"unknown URL pattern type {type(pattern)}")


def _is_api(resolver: URLResolver) -> bool:
    return resolver.app_name == "ninja" or str(resolver.pattern).startswith(API_ROOT.lstrip("/"))


def walk(patterns=None, prefix=(), namespace=""):
    """Every page (URLPattern) outside the API, with its qualified name."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if _is_api(entry):
                continue  # the API is walked separately, by operation
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, prefix + (entry.pattern,), inner)
        elif isinstance(entry, URLPattern):
            if str(entry.pattern).lstrip("^").startswith(("static/", "media/")):
                continue
            name = f"{namespace}{entry.name}" if entry.name else ""
            route = "".join(str(p) for p in prefix + (entry.pattern,))
            yield Page(route, name, entry.callback, prefix + (entry.pattern,))


def shopops_pages():
    return [p for p in walk() if is_shopops_view(p.callback)]


def undeclared(patterns=None):
    """What the walk refuses: ShopOps views without a declaration, unlisted foreign views."""
    problems = []
    for page in walk(patterns):
        if is_shopops_view(page.callback):
            if page.requirement is None:
                problems.append(f"{page.label}: no @access(...) declaration")
        else:
            view = page.callback
            dotted = f"{view.__module__}.{getattr(view, '__qualname__', view.__name__)}"
            view_class = getattr(view, "view_class", None)
            if view_class is not None:
                dotted = f"{view_class.__module__}.{view_class.__qualname__}"
            if dotted not in FOREIGN_VIEWS_ALLOWED:
                problems.append(f"{page.label}: {dotted} is not a ShopOps view, so the access "
                                "middleware does not guard it")
    return problems


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Twenty accounts per test: argon2 would dominate the run; no password is checked here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def ctx(make_user):
    return {"someone": make_user(roles=["picker"], display_name="被查看的员工")}


def _client(user=None):
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


# --- pages -------------------------------------------------------------------------


def test_role1_every_page_declares_its_access():
    pages = shopops_pages()
    assert len(pages) > 10, "the walk found too few pages — is the URL walk broken?"
    problems = undeclared()
    assert not problems, "\n".join(problems)


# Opening a page to the whole internet is a decision: list it here (the shop customers use
# will live in its own namespace).
PUBLIC_PAGES = {
    "accounts:login", "accounts:logout", "ops:healthz",
    # Product images and videos: the shop shows them once the product is listed (the view
    # itself refuses unlisted products' files and documents to anonymous visitors).
    "catalog:media_file", "catalog:media_thumb",
}
# The shop: its pages, the chat widget (CS-1) and after-sales requests (AS-1) are public;
# the customer's own pages check the shop sign-in themselves.
PUBLIC_NAMESPACES = {"storefront", "shop_chat", "shop_aftersales"}


def test_role1_public_pages_are_a_deliberate_list():
    public = {p.name or p.label for p in shopops_pages() if p.requirement == PUBLIC}
    unexpected = {n for n in public
                  if n not in PUBLIC_PAGES and n.split(":")[0] not in PUBLIC_NAMESPACES}
    assert not unexpected, f"pages open to anonymous visitors: {sorted(unexpected)}"


def test_role1_anonymous_visitors_are_sent_to_login(ctx, db):
    client = _client()
    problems = []
    for page in shopops_pages():
        url = page.build(ctx)
        response = client.get(url)
        if page.requirement == PUBLIC:
            if response.status_code in (403, 500):
                problems.append(f"{page.label} GET {url}: PUBLIC but {response.status_code}")
        elif response.status_code != 302 or not response["Location"].startswith(LOGIN_PREFIX):
            problems.append(f"{page.label} GET {url}: expected a redirect to the login page, got "
                            f"{response.status_code} {response.get('Location', '')}")
    assert not problems, "\n".join(problems)


def page_problems(user, pages, ctx):
    """What differs between each page's declaration and what `user` actually gets."""
    client = _client()
    problems = []
    for page in pages:
        url = page.build(ctx)
        # A fresh login per page: one page (logout, password change) must not spoil the next.
        client.force_login(user)
        status = client.get(url).status_code
        requirement = page.requirement
        allowed = requirement in (PUBLIC, LOGIN) or user_can(user, requirement)
        if status == 500:
            problems.append(f"{page.label} GET {url}: server error (500)")
        elif allowed and status == 403:
            problems.append(f"{page.label} GET {url}: {requirement} allows {user} but got 403")
        elif not allowed and status != 403:
            problems.append(f"{page.label} GET {url}: {user} lacks {requirement} but got {status}")
    return problems


@pytest.mark.parametrize("role", ROLE_CODES)
def test_role1_pages_follow_their_declaration_for_each_role(role, staff, ctx):
    problems = page_problems(staff[role], shopops_pages(), ctx)
    assert not problems, f"role {role}:\n" + "\n".join(problems)


def test_role2_read_only_level_keeps_write_capabilities_out(make_user, ctx):
    """A sysadmin at 一般用户 level may not open pages needing a write capability."""
    user = make_user(roles=["sysadmin"], level="read")
    client = _client()
    seen_write = False
    from shopops.core.access import CAPABILITIES

    for page in shopops_pages():
        cap = CAPABILITIES.get(page.requirement)
        if cap is None or cap.level == "read":
            continue
        seen_write = True
        client.force_login(user)
        assert client.get(page.build(ctx)).status_code == 403, page.label
    assert seen_write


# --- a page that forgets -----------------------------------------------------------


def forgetful_view(request):
    return HttpResponse("secret")


@access(LOGIN)
def overstrict_view(request):
    """Declares LOGIN but refuses: the walk must catch a page stricter than it says."""
    return HttpResponse("no", status=403)


# Pretend they live in ShopOps, as a new page someone wrote would.
forgetful_view.__module__ = overstrict_view.__module__ = "shopops.core.views.selftest"

urlpatterns = [
    path("forgetful/", forgetful_view, name="forgetful"),
    path("overstrict/", overstrict_view, name="overstrict"),
    path("", include("shopops.urls")),
]


def test_role1_undeclared_page_is_refused_and_reported(settings, staff, db):
    settings.ROOT_URLCONF = __name__
    assert [p for p in undeclared(urlpatterns) if "forgetful" in p] == [
        "forgetful /forgetful/: no @access(...) declaration"]

    anonymous = _client().get("/forgetful/")
    assert anonymous.status_code == 403
    assert "没有声明访问权限" in anonymous.content.decode()
    response = _client(staff["sysadmin"]).get("/forgetful/")
    assert response.status_code == 403
    assert b"secret" not in response.content


def test_role1_walk_catches_a_page_stricter_than_its_declaration(settings, staff, ctx):
    settings.ROOT_URLCONF = __name__
    pages = [p for p in walk(urlpatterns) if p.name in ("forgetful", "overstrict")]
    assert page_problems(staff["picker"], pages, ctx) == [
        f"overstrict /overstrict/ GET /overstrict/: @login allows {staff['picker']} but got 403"]


def test_role1_walk_reports_views_the_middleware_does_not_guard():
    from django.views.generic import TemplateView

    problems = undeclared([path("foreign/", TemplateView.as_view(template_name="base.html"))])
    assert problems == ["(unnamed) /foreign/: django.views.generic.base.TemplateView is not a "
                        "ShopOps view, so the access middleware does not guard it"]


# --- API ---------------------------------------------------------------------------


@dataclass
class Operation:
    method: str
    route: str
    view_func: object

    @property
    def requirement(self):
        return getattr(self.view_func, "shopops_access", None)

    @property
    def label(self):
        return f"{self.method} {API_ROOT}{self.route}"

    def build(self) -> str:
        # Any path parameter: a number works as an int and as a str.
        return API_ROOT + re.sub(r"\{(?:\w+:)?\w+\}", MISSING_PK, self.route)


def api_operations():
    from shopops.api import api

    # Ninja ≥1.7 binds every router, nested ones included, to the API (private but stable
    # within the pinned major version; api._routers lists only templates).
    found = []
    for bound in api._get_bound_routers():
        prefix = bound.prefix
        for route, path_view in bound.path_operations.items():
            full = re.sub(r"/+", "/", "/".join(p for p in (prefix, route) if p)).lstrip("/")
            for op in path_view.operations:
                found.extend(Operation(m.upper(), full, op.view_func) for m in op.methods)
    return found


def _call(client, op):
    if op.method in ("GET", "HEAD", "OPTIONS"):
        return client.generic(op.method, op.build())
    return client.generic(op.method, op.build(), data="{}", content_type="application/json")


def test_role1_every_api_operation_declares_its_access():
    operations = api_operations()
    assert operations, "no API operations found — is the walk broken?"
    missing = [op.label for op in operations if op.requirement is None]
    assert not missing, "no @api_access(...) declaration:\n" + "\n".join(missing)


def test_role1_api_refuses_anonymous_callers(db):
    client = _client()
    problems = []
    for op in api_operations():
        status = _call(client, op).status_code
        if op.requirement == PUBLIC:
            if status in (401, 403, 500):
                problems.append(f"{op.label}: PUBLIC but {status}")
        elif status != 401:
            problems.append(f"{op.label}: anonymous caller got {status}, expected 401")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("role", ROLE_CODES)
def test_role1_api_follows_declarations_for_each_role(role, staff):
    user = staff[role]
    client = _client()
    problems = []
    for op in api_operations():
        client.force_login(user)
        status = _call(client, op).status_code
        requirement = op.requirement
        allowed = requirement in (PUBLIC, LOGIN) or user_can(user, requirement)
        if status in (401, 500):
            problems.append(f"{op.label}: {status}")
        elif allowed and status == 403:
            problems.append(f"{op.label}: {requirement} allows {role} but got 403")
        elif not allowed and status != 403:
            problems.append(f"{op.label}: {role} lacks {requirement} but got {status}")
    assert not problems, f"role {role}:\n" + "\n".join(problems)


def test_walk_builds_paths_that_resolve_to_their_view(ctx):
    for page in shopops_pages():
        url = page.build(ctx)
        assert resolve(url).func == page.callback, f"{page.label} built as {url}"


def test_role4_api_schema_and_docs_are_for_signed_in_staff_only(client, staff, client_for):
    for url in ("/api/v1/docs", "/api/v1/openapi.json"):
        assert client.get(url).status_code == 302
        assert client_for(staff["picker"]).get(url).status_code == 200
