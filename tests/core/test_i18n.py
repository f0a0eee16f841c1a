"""The interface language: Simplified Chinese by default, English when a person picks it
(SPEC: "Simplified Chinese is the default language … English is the second language").

The English catalog lives in src/shopops/locale/en; its compiled django.mo is committed
because a fresh machine may have no gettext tools, so these tests also check that the
catalog is complete, fully translated and compiled."""

import ast
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.translation.template import templatize

from shopops.core.errors import NotFoundError, UserError
from shopops.core.i18n import LocaleMiddleware, user_message

PACKAGE = Path(settings.PACKAGE_DIR)
PO_FILE = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")
COOKIE = settings.LANGUAGE_COOKIE_NAME
# The parts of the package whose marked strings the catalog must hold. An app joins once
# its strings are extracted and translated (makemessages -l en, then compilemessages).
TRANSLATED = [PACKAGE / "templates", PACKAGE / "core", PACKAGE / "accounts", PACKAGE / "ops",
              PACKAGE / "catalog", PACKAGE / "inventory", PACKAGE / "purchasing",
              PACKAGE / "orders", PACKAGE / "fulfillment", PACKAGE / "staff",
              PACKAGE / "storefront", PACKAGE / "service", PACKAGE / "aftersales"]
# Templates all of whose Chinese text is marked for translation.
MARKED_TEMPLATES = [PACKAGE / "templates"] + [
    PACKAGE / app / "templates" for app in ("core", "accounts", "ops", "catalog", "inventory", "orders",
                                        "fulfillment", "staff", "storefront", "service", "aftersales")]
HAN = re.compile(r"[\u4e00-\u9fff]")
# Chinese that is meant to stay Chinese in English too, by template and text.
UNTRANSLATED_ON_PURPOSE = {
    "base.html": ["中文"],  # the language switch names each language in itself
    "403.html": ["您没有访问此页面的权限。"],  # the Chinese branch only
    "role_list.html": ["数据库管理用户"],  # compares a level label, shows nothing
    "_table.html": ["需要您"],  # a template comment
    "plan.html": ['value="主推"'],  # a default shelf section name: data, not interface text
    "shop_panel.html": ['default:"五步商城"'],  # the shop's name is a setting: data
    "request_detail.html": ['"其他"'],  # the stored courier value "other": data
    # an example of the Chinese lines the import reads (客户：/客服：)
    "conversation_log.html": ["10:02 客户：你好，我的订单什么时候发货？&#10;"
                              "10:03 客服：您好，请您提供一下订单号，我帮您查询。"],
}


@pytest.fixture(autouse=True)
def _back_to_the_default_language():
    """A page asked for in English leaves English active in the thread afterwards (the
    locale middleware does not switch back), which would leak into the next test."""
    yield
    translation.deactivate()


def _catalog(entries) -> dict:
    out = {}
    for entry in entries:
        if entry.obsolete or "fuzzy" in entry.flags or not entry.msgid:
            continue
        key = (entry.msgctxt, entry.msgid)
        out[key] = (tuple(sorted(entry.msgstr_plural.items())) if entry.msgid_plural
                    else entry.msgstr)
    return out


def _english_client(user=None, client_for=None) -> Client:
    client = client_for(user) if user is not None else Client()
    client.cookies[COOKIE] = "en"
    return client


# -- the catalog ---------------------------------------------------------------------


def test_every_msgid_has_an_english_translation():
    po = polib.pofile(str(PO_FILE))
    untranslated = [e.msgid for e in po if not e.obsolete and not e.translated()]
    assert untranslated == []
    assert [e.msgid for e in po if "fuzzy" in e.flags] == []
    assert len(po.translated_entries()) > 300
    for entry in po.translated_entries():
        if entry.msgid_plural:
            assert all(entry.msgstr_plural.values()), entry.msgid
            continue
        # The English must keep every placeholder of the Chinese.
        for pattern in (r"%\(\w+\)s", r"\{\w+(?::[^}]*)?\}"):
            assert sorted(re.findall(pattern, entry.msgid)) == sorted(
                re.findall(pattern, entry.msgstr)), entry.msgid
        assert not HAN.search(entry.msgstr), entry.msgid


def test_compiled_mo_matches_the_po():
    po = polib.pofile(str(PO_FILE))
    mo = polib.mofile(str(MO_FILE))
    # Compile the .po in memory the way msgfmt does and compare both catalogs.
    compiled = polib.mofile(po.to_binary())
    assert _catalog(mo) == _catalog(compiled) == _catalog(po)


def _marked_in_templates() -> set[tuple[str | None, str]]:
    found = set()
    literal = r"u'((?:[^'\\]|\\.)*)'"
    call = re.compile(rf"\b(n?gettext)\({literal}(?:, {literal})?")
    in_context = re.compile(rf"\bn?pgettext\({literal}, {literal}")
    for path in (p for root in TRANSLATED for p in root.rglob("*.html")):
        text = templatize(path.read_text(encoding="utf-8"), origin=path)
        for match in call.finditer(text):
            found.add((None, ast.literal_eval(f"'{match[2]}'")))
        for match in in_context.finditer(text):
            found.add(tuple(ast.literal_eval(f"'{m}'") for m in match.groups()))
    return found


def _marked_in_python() -> set[tuple[str | None, str]]:
    names = {"_", "gettext", "gettext_noop", "gettext_lazy", "ngettext", "ngettext_lazy"}
    in_context = {"pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}
    found = set()
    for path in (p for root in TRANSLATED for p in root.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            args = [a.value for a in node.args[:2]
                    if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if node.func.id in names and args:
                found.add((None, args[0]))
            elif node.func.id in in_context and len(args) == 2:
                found.add((args[0], args[1]))
    return found


def test_catalog_has_every_marked_string():
    """Forgetting makemessages after marking a new string leaves it Chinese in English."""
    po = polib.pofile(str(PO_FILE))
    known = {(e.msgctxt, e.msgid) for e in po if not e.obsolete}
    missing = sorted((_marked_in_templates() | _marked_in_python()) - known,
                     key=lambda key: (key[0] or "", key[1]))
    assert missing == [], "run makemessages -l en, translate, compilemessages"


def test_templates_mark_all_their_chinese_text():
    leftovers = []
    for root in MARKED_TEMPLATES:
        for path in root.rglob("*.html"):
            text = path.read_text(encoding="utf-8")
            text = re.sub(r"\{% blocktranslate.*?\{% endblocktranslate %\}", "", text, flags=re.S)
            text = re.sub(r'\{% translate "[^"]*"(?: context "[^"]*")?(?: as \w+)? %\}'
                          r'|_\("[^"]*"\)', "", text)
            for allowed in UNTRANSLATED_ON_PURPOSE.get(path.name, []):
                text = text.replace(allowed, "")
            leftovers += [f"{path.name}: {line.strip()}" for line in text.splitlines()
                          if HAN.search(line)]
    assert leftovers == []


# -- pages ---------------------------------------------------------------------------


@pytest.fixture
def admin(make_user):
    return make_user(roles=["sysadmin"], level="db", display_name="系统管理员甲")


def test_pages_are_chinese_by_default(admin, client_for):
    html = client_for(admin).get("/").content.decode()
    assert '<html lang="zh-Hans">' in html
    assert "<title>我的工作 · ShopOps 电商运营管理系统</title>" in html
    assert '<div class="nav-section">工作台 Workbench</div>' in html
    assert ">我的时限</a>" in html and ">事件日志</a>" in html
    assert "<h2>待我审批</h2>" in html
    assert ">修改密码</a>" in html and ">退出</button>" in html
    assert "My deadlines" not in html


def test_pages_are_english_with_the_language_cookie(admin, client_for):
    html = _english_client(admin, client_for).get("/").content.decode()
    assert '<html lang="en">' in html
    assert "<title>My work · ShopOps E-commerce Operations</title>" in html
    assert '<div class="nav-section">Workbench</div>' in html
    assert ">My deadlines</a>" in html and ">Event log</a>" in html
    assert "<h2>Waiting for me</h2>" in html
    assert ">Change password</a>" in html and ">Sign out</button>" in html
    assert "我的时限" not in html and "工作台" not in html


@pytest.mark.parametrize("path, chinese, english", [
    ("/deadlines/", "<h1>我的时限 <span class=\"muted big\">My deadlines</span></h1>",
     "<h1>My deadlines</h1>"),
    ("/proposals/waiting/", "<h1>待我审批 <small class=\"muted\">Waiting for me</small></h1>",
     "<h1>Waiting for me</h1>"),
    ("/events/", "<th>操作人</th>", "<th>By</th>"),
    ("/settings/", "<th>设置项</th>", "<th>Setting</th>"),
    ("/accounts/staff/", "<h1>员工账号</h1>", "<h1>Staff accounts</h1>"),
    ("/ops/health/", "<th>检查项</th>", "<th>Check</th>"),
])
def test_headers_follow_the_language(admin, client_for, path, chinese, english):
    from django.urls import resolve

    assert resolve(path)  # the table of paths stays in step with the URLs
    zh = client_for(admin).get(path)
    en = _english_client(admin, client_for).get(path)
    assert zh.status_code == en.status_code == 200
    assert chinese in zh.content.decode()
    assert english in en.content.decode()


def test_sign_in_page_in_both_languages(db):
    assert "<h1>员工登录</h1>" in Client().get("/accounts/login/").content.decode()
    english = _english_client().get("/accounts/login/").content.decode()
    assert "<h1>Staff sign-in</h1>" in english and "员工登录" not in english


def test_language_switch_sets_the_cookie_and_returns_to_the_page(admin, client_for):
    client = client_for(admin)
    assert 'data-testid="language-switch"' in client.get("/deadlines/").content.decode()

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/deadlines/"})
    assert response.status_code == 302 and response["Location"] == "/deadlines/"
    assert response.cookies[COOKIE].value == "en"
    assert "<h1>My deadlines</h1>" in client.get("/deadlines/").content.decode()

    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "<h1>我的时限" in client.get("/deadlines/").content.decode()


def test_an_english_browser_still_gets_chinese_until_english_is_picked(admin, client_for,
                                                                      settings):
    # shopops.core.i18n.LocaleMiddleware ignores Accept-Language (Chinese by default).
    settings.MIDDLEWARE = [LocaleMiddleware.__module__ + ".LocaleMiddleware"
                           if m == "django.middleware.locale.LocaleMiddleware" else m
                           for m in settings.MIDDLEWARE]
    client = client_for(admin)
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "<h2>待我审批</h2>" in html
    client.cookies[COOKIE] = "en"
    assert "<h2>Waiting for me</h2>" in client.get("/").content.decode()
    client.cookies[COOKIE] = "klingon"  # not offered: back to the default
    assert "<h2>待我审批</h2>" in client.get("/").content.decode()


# -- user errors ---------------------------------------------------------------------


def test_user_message_is_chinese_with_english_by_default_and_english_when_chosen():
    error = UserError("bad_amount", "金额必须是正整数：{value}", "The amount must be a positive "
                      "integer: {value}", value="-3")
    assert user_message(error) == "金额必须是正整数：-3 (The amount must be a positive integer: -3)"
    with translation.override("en"):
        assert user_message(error) == "The amount must be a positive integer: -3"
        assert user_message(UserError("x", "只有中文")) == "只有中文"
    with translation.override("zh-hans"):
        assert user_message(UserError("x", "只有中文")) == "只有中文"


def test_user_error_on_a_page_follows_the_language(make_user, client_for):
    reader = make_user()
    zh = client_for(reader).get("/inbox/987654321/", follow=True).content.decode()
    assert "没有这条通知。 (No such notification.)" in zh
    en = _english_client(reader, client_for).get("/inbox/987654321/", follow=True)
    html = en.content.decode()
    assert "No such notification." in html and "没有这条通知" not in html
    assert isinstance(NotFoundError("x", "y"), UserError)


def test_success_messages_and_403_follow_the_language(make_user, client_for):
    reader = make_user()
    en = _english_client(reader, client_for)
    html = en.post("/inbox/read-all/", follow=True).content.decode()
    assert "No unread notifications." in html and "没有未读通知" not in html

    refused = en.get("/events/")
    assert refused.status_code == 403
    html = refused.content.decode()
    assert "<h1>403 · Access denied</h1>" in html and "You may not open this page." in html
    assert "您没有访问此页面的权限" not in html
    chinese = client_for(reader).get("/events/").content.decode()
    assert "您没有访问此页面的权限。" in chinese and "You may not open this page." in chinese


# -- catalog and inventory pages -------------------------------------------------------


@pytest.fixture
def stocked_product(db):
    from shopops.inventory import ledger
    from tests.factories import make_product, make_warehouse

    product = make_product(title="真丝印花连衣裙", code="LY-I18N", skus=[{"颜色": "藏青"}])
    warehouse = make_warehouse(code="hz-i18n", name="杭州主仓")
    ledger.receive(actor=None, sku=product.skus.get(), warehouse=warehouse, quantity=7,
                   location=None, reference="test:setup")
    return product


def test_catalog_and_inventory_pages_are_english_with_the_language_cookie(
        make_user, client_for, stocked_product):
    manager = make_user(roles=["product_manager"])
    zh = client_for(manager)
    en = _english_client(manager, client_for)

    products_zh = zh.get("/catalog/").content.decode()
    products = en.get("/catalog/").content.decode()
    assert "<h1>商品</h1>" in products_zh and "<th>品牌</th>" in products_zh
    assert "<h1>Products</h1>" in products and "<th>Brand</th>" in products
    assert "<th>Product</th>" in products and ">Search</button>" in products
    assert '<div class="nav-section">Catalog</div>' in products
    assert ">Import &amp; export</a>" in products and ">Stock moves</a>" in products
    assert "真丝印花连衣裙" in products  # the data stays as entered
    assert "<h1>商品</h1>" not in products and "导入导出" not in products
    assert '<p class="muted">Products: 1</p>' in products

    stock = en.get("/inventory/").content.decode()
    assert "<h1>Stock</h1>" in stock
    for header in ("Merchant SKU code", "On hand", "Reserved", "Available", "Safety stock"):
        assert f"<th>{header}</th>" in stock
    assert "LY-I18N-01" in stock and "杭州主仓" in stock
    assert "实物库存" not in stock and "安全库存" not in stock
    assert "<th>实物库存</th>" in zh.get("/inventory/").content.decode()


def test_states_and_kinds_read_in_english_with_the_english_cookie(staff, client_for):
    """Choice labels (proposal states, access levels) follow the chosen language too."""
    from shopops.core.actions.approvals import propose

    picker = staff["picker"]
    propose(actor=staff["sysadmin"], kind="role_change", title="调岗",
            payload={"user_id": picker.pk, "add": [{"role": "printer"}]}, subject=picker)
    client = client_for(staff["sysadmin"])
    assert "待审批" in client.get("/proposals/mine/").content.decode()
    client.cookies[COOKIE] = "en"
    page = client.get("/proposals/mine/").content.decode()
    assert "Pending approval" in page and "待审批" not in page
