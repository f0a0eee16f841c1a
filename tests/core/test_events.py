"""The event log page, object histories and the events API (ROLE-4: who, when, what,
before and after — visible to those allowed to audit)."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template

from shopops.core import events
from shopops.core.models import Event, Proposal
from shopops.core.templatetags.shopops import money, object_url, verb_label

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def auditor(make_user):
    return make_user(roles=["manager"], display_name="王经理")


@pytest.fixture
def clerk(make_user):
    return make_user(roles=["reviewer"], display_name="李审单")


def _event(at, actor=None, verb="thing.updated", **fields):
    """An event at a given moment (record() always stamps "now")."""
    return Event.objects.create(
        at=at, actor=actor, actor_name=str(actor) if actor else "系统", verb=verb, **fields)


def _ids(response):
    return [row["ev"].pk for row in response.context["rows"]]


# --- the page ----------------------------------------------------------------------


def test_role4_event_log_shows_who_when_what_before_after(auditor, clerk, client_for):
    proposal = Proposal.objects.create(kind="price_change", title="调价", proposer=clerk)
    events.record(actor=clerk, verb="proposal.created", obj=proposal, summary="提出价格调整申请",
                  changes={"state": ["draft", "pending"]})

    response = client_for(auditor).get("/events/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "李审单" in html
    assert "提出申请" in html  # the verb in Chinese
    assert "提出价格调整申请" in html
    assert f'<a href="/proposals/{proposal.pk}/">#{proposal.pk} 调价</a>' in html
    # before → after, with the field's Chinese name from the model
    assert "<span class=\"field\">状态</span>：<del>草稿</del> → <ins>待审批</ins>" in html


def test_role4_event_log_newest_first_and_paginated_by_50(auditor, client_for):
    base = datetime(2026, 3, 1, 9, 0, tzinfo=SH)
    made = [_event(base.replace(minute=i), summary=f"第{i}条") for i in range(55)]
    client = client_for(auditor)

    first = client.get("/events/")
    assert _ids(first) == [e.pk for e in reversed(made)][:50]
    assert "第 1 / 2 页" in first.content.decode()
    second = client.get("/events/?page=2")
    assert _ids(second) == [e.pk for e in reversed(made)][50:]


def test_event_log_filters_by_person_object_verb_and_text(auditor, clerk, client_for):
    at = datetime(2026, 3, 1, 9, 0, tzinfo=SH)
    a = _event(at, clerk, "order.reviewed", object_type="orders.order", object_id="7",
               object_repr="订单 T007", summary="审单通过")
    b = _event(at, clerk, "proposal.created", object_type="core.proposal", object_id="3",
               object_repr="#3 调价", summary="提出价格调整申请")
    c = _event(at, auditor, "proposal.approved", object_type="core.proposal", object_id="3",
               object_repr="#3 调价", summary="批准")
    d = _event(at, None, "deadline.fired", object_type="core.deadline", object_id="9",
               summary="审单超时")
    client = client_for(auditor)

    assert set(_ids(client.get(f"/events/?actor={clerk.pk}"))) == {a.pk, b.pk}
    assert _ids(client.get("/events/?actor=system")) == [d.pk]
    assert set(_ids(client.get("/events/?object_type=core.proposal&object_id=3"))) == {b.pk, c.pk}
    assert set(_ids(client.get("/events/?verb=proposal."))) == {b.pk, c.pk}
    assert _ids(client.get("/events/?verb=proposal.approved")) == [c.pk]
    assert _ids(client.get("/events/?q=T007")) == [a.pk]  # object text
    assert _ids(client.get("/events/?q=超时")) == [d.pk]  # summary text
    assert _ids(client.get(f"/events/?actor={clerk.pk}&verb=order")) == [a.pk]
    assert set(_ids(client.get("/events/?actor=审单"))) == {a.pk, b.pk}  # by name


def test_event_log_dates_are_shanghai_days(auditor, client_for):
    late = _event(datetime(2026, 3, 1, 23, 30, tzinfo=SH))  # 15:30 UTC on 1 March
    early = _event(datetime(2026, 3, 2, 0, 10, tzinfo=SH))  # 16:10 UTC on 1 March
    client = client_for(auditor)

    assert _ids(client.get("/events/?date_to=2026-03-01")) == [late.pk]
    assert _ids(client.get("/events/?date_from=2026-03-02")) == [early.pk]
    assert _ids(client.get("/events/?date_from=2026-03-01&date_to=2026-03-02")) == [
        early.pk, late.pk]
    html = client.get("/events/?date_to=2026-03-01").content.decode()
    assert "2026-03-01 23:30:00" in html  # shown in local time too


def test_event_log_bad_date_is_ignored_with_a_message(auditor, client_for):
    e = _event(datetime(2026, 3, 1, 9, 0, tzinfo=SH))
    response = client_for(auditor).get("/events/?date_from=2026-13-40")
    assert response.status_code == 200
    assert _ids(response) == [e.pk]
    assert "开始日期「2026-13-40」不是有效日期" in response.content.decode()


def test_event_log_queries_do_not_grow_with_rows(
        auditor, make_user, client_for, django_assert_max_num_queries):
    people = [make_user(roles=["picker"]) for _ in range(3)]
    base = datetime(2026, 3, 1, 9, 0, tzinfo=SH)
    for i in range(60):
        _event(base.replace(minute=i), people[i % 3], "proposal.updated",
               object_type="core.proposal", object_id=str(i), object_repr=f"#{i}",
               changes={"title": ["旧", "新"], "state": ["draft", "pending"]})
    client = client_for(auditor)
    with django_assert_max_num_queries(12):
        response = client.get("/events/")
    assert len(response.context["rows"]) == 50


def test_role4_setting_changes_appear_in_the_event_log(auditor, make_user, client_for):
    from shopops.core.actions.settings import change_setting

    admin = make_user(roles=["sysadmin"], level="db", display_name="张管理")
    change_setting(actor=admin, key="accounts.password_max_age_days", raw_value="30")
    html = client_for(auditor).get("/events/?verb=setting.").content.decode()
    assert "张管理" in html and "修改设置" in html and "系统设置" in html
    assert '<a href="/settings/accounts.password_max_age_days/">密码有效期</a>' in html
    assert '<span class="field">密码有效期</span>：<del>90</del> → <ins>30</ins>' in html


def test_role4_event_log_needs_view_events(clerk, client_for, client):
    assert client_for(clerk).get("/events/").status_code == 403
    response = client.get("/events/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- template helpers --------------------------------------------------------------


def test_role4_object_history_tag_renders_an_objects_trail(clerk, auditor):
    proposal = Proposal.objects.create(kind="price_change", title="调价", proposer=clerk)
    other = Proposal.objects.create(kind="price_change", title="别的", proposer=clerk)
    events.record(actor=clerk, verb="proposal.created", obj=proposal, summary="提出申请甲")
    events.record(actor=auditor, verb="proposal.approved", obj=proposal, summary="批准甲",
                  changes={"state": ["pending", "approved"]})
    events.record(actor=clerk, verb="proposal.created", obj=other, summary="提出申请乙")

    html = Template("{% load shopops %}{% object_history p %}").render(Context({"p": proposal}))
    assert "提出申请甲" in html and "批准甲" in html
    assert "提出申请乙" not in html
    assert html.index("批准甲") < html.index("提出申请甲")  # newest first
    assert "王经理" in html and "审批通过" in html
    assert "<del>待审批</del> → <ins>已批准待执行</ins>" in html


def test_object_history_of_object_without_events(clerk):
    proposal = Proposal.objects.create(kind="price_change", title="调价", proposer=clerk)
    html = Template("{% load shopops %}{% object_history p %}").render(Context({"p": proposal}))
    assert "暂无记录" in html


def test_show_changes_escapes_and_formats_values():
    html = Template("{% load shopops %}{% show_changes c %}").render(Context({"c": {
        "note": ["<b>旧</b>", None], "on": [False, True], "tags": [["甲", "乙"], []]}}))
    assert "&lt;b&gt;旧&lt;/b&gt;" in html and "<b>旧</b>" not in html
    assert "<del>&lt;b&gt;旧&lt;/b&gt;</del> → <ins>（空）</ins>" in html
    assert "<del>否</del> → <ins>是</ins>" in html
    assert "<del>甲、乙</del> → <ins>（空）</ins>" in html
    assert Template("{% load shopops %}{% show_changes c %}").render(Context({"c": {}})) == ""


@pytest.mark.parametrize("fen, text", [
    (123450, "¥1,234.50"), (5, "¥0.05"), (0, "¥0.00"), (-99, "-¥0.99"),
    (100000000, "¥1,000,000.00"), ("250", "¥2.50"), (None, ""), (Decimal("120"), "¥1.20"),
    (Decimal("12.5"), Decimal("12.5")),  # not whole fen: shown as is, never rounded silently
])
def test_money_filter_formats_integer_fen(fen, text):
    assert money(fen) == text
    assert Template("{% load shopops %}{{ v|money }}").render(Context({"v": fen})) == str(text)


def test_verb_labels_fall_back_on_the_action_word():
    assert verb_label("proposal.rejected") == "驳回申请"
    assert verb_label("catalog.product.created") == "创建"
    assert verb_label("weird.verb") == "weird.verb"


def test_object_url_only_for_registered_types():
    assert object_url("core.proposal", "12") == "/proposals/12/"
    assert object_url("core.proposal", "x") == ""
    assert object_url("nobody.knows", "1") == ""


# --- API ---------------------------------------------------------------------------


def test_role4_events_api_lists_with_filters_and_pages(auditor, clerk, client_for):
    base = datetime(2026, 3, 1, 9, 0, tzinfo=SH)
    made = [_event(base.replace(minute=i), clerk, "order.reviewed", object_type="orders.order",
                   object_id=str(i), summary=f"审单{i}") for i in range(3)]
    other = _event(base.replace(hour=8), auditor, "proposal.approved", object_type="core.proposal",
                   object_id="5", changes={"state": ["pending", "approved"]})
    client = client_for(auditor)

    body = client.get("/api/v1/events").json()
    assert body["count"] == 4
    assert [item["id"] for item in body["items"]] == [e.pk for e in reversed(made)] + [other.pk]

    body = client.get("/api/v1/events", {"verb": "proposal."}).json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["id"] == other.pk
    assert item["verb_label"] == "审批通过"
    assert item["actor_name"] == "王经理"
    assert item["object_url"] == "/proposals/5/"
    assert item["changes"] == {"state": ["pending", "approved"]}

    body = client.get("/api/v1/events", {"actor": clerk.pk, "page_size": 2, "page": 2}).json()
    assert (body["count"], body["pages"], body["page"]) == (3, 2, 2)
    assert [item["id"] for item in body["items"]] == [made[0].pk]

    body = client.get("/api/v1/events", {"date_from": "2026-03-02"}).json()
    assert body["count"] == 0


def test_events_api_rejects_bad_input(auditor, client_for):
    client = client_for(auditor)
    response = client.get("/api/v1/events", {"page_size": 5000})
    assert response.status_code == 400
    assert response.json()["code"] == "bad_page_size"
    assert client.get("/api/v1/events", {"date_from": "yesterday"}).status_code == 422


def test_role4_events_api_object_history(auditor, clerk, client_for):
    proposal = Proposal.objects.create(kind="price_change", title="调价", proposer=clerk)
    first = events.record(actor=clerk, verb="proposal.created", obj=proposal)
    second = events.record(actor=auditor, verb="proposal.approved", obj=proposal)
    events.record(actor=clerk, verb="proposal.created", obj=Proposal.objects.create(
        kind="price_change", title="别的", proposer=clerk))

    response = client_for(auditor).get(f"/api/v1/events/object/core.proposal/{proposal.pk}")
    assert response.status_code == 200
    assert [item["id"] for item in response.json()] == [second.pk, first.pk]


def test_events_api_list_queries_bounded(auditor, client_for, django_assert_max_num_queries):
    base = datetime(2026, 3, 1, 9, 0, tzinfo=SH)
    for i in range(60):
        _event(base.replace(minute=i), auditor, "thing.updated", changes={"a": [1, 2]})
    client = client_for(auditor)
    with django_assert_max_num_queries(10):
        assert len(client.get("/api/v1/events").json()["items"]) == 50


def test_role4_events_api_needs_view_events(clerk, client_for, client, db):
    response = client_for(clerk).get("/api/v1/events")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert client_for(clerk).get("/api/v1/events/object/core.proposal/1").status_code == 403
    assert client.get("/api/v1/events").status_code == 401


def test_role4_state_changes_read_with_their_labels(staff, client_for):
    """An object's history shows 待审批 → 已驳回, not pending → rejected."""
    from shopops.core.actions.approvals import propose, reject_proposal

    picker = staff["picker"]
    proposal = propose(actor=staff["sysadmin"], kind="role_change", title="调岗",
                       payload={"user_id": picker.pk, "add": [{"role": "printer"}]},
                       subject=picker)
    reject_proposal(actor=staff["manager"], proposal=proposal, comment="先培训")
    page = client_for(staff["sysadmin"]).get(f"/proposals/{proposal.pk}/").content.decode()
    assert "已驳回" in page and "rejected</ins>" not in page
