"""INV-3: stocktakes — count sheets snapshot the book quantities, differences go to the
department manager as a stock_adjustment proposal, and approval adjusts the ledger; the
daily reminder for warehouses not counted within the interval."""

from datetime import timedelta

import pytest
from django.utils import timezone

from shopops.core import periodic
from shopops.core.actions.approvals import approve_proposal, reject_proposal, withdraw_proposal
from shopops.core.errors import ConflictError, UserError
from shopops.core.models import Event, Notification, Proposal, SettingValue
from shopops.inventory import jobs, ledger
from shopops.inventory.actions.stocktake import (
    add_stocktake_line,
    create_stocktake,
    record_counts,
    reopen_stocktake,
    submit_stocktake,
)
from shopops.inventory.models import BinStock, Document, Move, Stock

S = Document.State


def _lines(doc):
    return {(ln.sku.code, ln.location.code if ln.location_id else ""): ln
            for ln in doc.lines.select_related("sku", "location")}


def _count(doc, actor, **by_code):
    """_count(doc, who, **{"P-DRESS-01@A-01-01": 8})"""
    lines = _lines(doc)
    counts = {}
    for key, value in by_code.items():
        code, _, where = key.partition("@")
        counts[lines[(code, where)].pk] = value
    return record_counts(actor=actor, document=doc, counts=counts)


def _fresh(doc):
    return Document.objects.get(pk=doc.pk)


@pytest.fixture
def stocked(hz, bins, dress, shirt, put_stock):
    put_stock(dress, hz, 10, bins["A-01-01"])
    put_stock(dress, hz, 4, bins["A-01-02"])
    put_stock(shirt, hz, 6, bins["A-01-02"])
    return hz


def test_inv3_sheet_snapshots_bin_quantities_in_walk_order(stocked, bins, dress, shirt, picker,
                                                           put_stock):
    put_stock(shirt, stocked, 3)  # received without a location: counted as loose stock
    doc = create_stocktake(actor=picker, warehouse=stocked)
    assert doc.number.startswith("PD") and doc.state == S.COUNTING
    rows = [(ln.sku.code, ln.location.code if ln.location_id else "", ln.expected, ln.counted)
            for ln in doc.lines.select_related("sku", "location").order_by("id")]
    assert rows == [("P-DRESS-01", "A-01-01", 10, None), ("P-DRESS-01", "A-01-02", 4, None),
                    ("P-SHIRT-01", "A-01-02", 6, None), ("P-SHIRT-01", "", 3, None)]
    assert Event.objects.for_object(doc).get(verb="stocktake.created").summary == (
        f"开始盘点 杭州主仓（全部库位，4 行）：{doc.number}")


def test_inv3_sheet_of_some_locations_only(stocked, bins, picker):
    doc = create_stocktake(actor=picker, warehouse=stocked, locations=[bins["A-01-01"]])
    assert [(k, ln.expected) for k, ln in _lines(doc).items()] == [
        (("P-DRESS-01", "A-01-01"), 10)]


def test_inv3_store_without_locations_counts_warehouse_stock(store, dress, keeper, put_stock):
    put_stock(dress, store, 7)
    doc = create_stocktake(actor=keeper, warehouse=store)
    assert [(k, ln.expected) for k, ln in _lines(doc).items()] == [(("P-DRESS-01", ""), 7)]


def test_inv3_one_running_stocktake_per_warehouse(stocked, picker, keeper):
    first = create_stocktake(actor=picker, warehouse=stocked)
    with pytest.raises(ConflictError) as exc:
        create_stocktake(actor=keeper, warehouse=stocked)
    assert exc.value.message == f"杭州主仓 已有进行中的盘点单 {first.number}，请先完成或作废。"


def test_inv3_every_line_needs_a_count_before_submitting(stocked, picker):
    doc = create_stocktake(actor=picker, warehouse=stocked)
    _count(doc, picker, **{"P-DRESS-01@A-01-01": 10})
    with pytest.raises(UserError) as exc:
        submit_stocktake(actor=picker, document=doc)
    assert exc.value.message == "还有 2 行未录入实盘数量（如 P-DRESS-01 @ A-01-02）。"
    assert _fresh(doc).state == S.COUNTING


def test_inv3_counts_are_zero_or_positive_whole_numbers(stocked, picker):
    doc = create_stocktake(actor=picker, warehouse=stocked)
    with pytest.raises(UserError) as exc:
        _count(doc, picker, **{"P-DRESS-01@A-01-01": "-1"})
    assert exc.value.message == "P-DRESS-01 @ A-01-01 的实盘数量必须是 0 或正整数：-1"
    assert _lines(doc)[("P-DRESS-01", "A-01-01")].counted is None


def test_inv3_no_difference_posts_at_once_without_approval(stocked, picker):
    doc = create_stocktake(actor=picker, warehouse=stocked)
    _count(doc, picker, **{"P-DRESS-01@A-01-01": 10, "P-DRESS-01@A-01-02": 4,
                           "P-SHIRT-01@A-01-02": 6})
    submit_stocktake(actor=picker, document=doc)
    fresh = _fresh(doc)
    assert fresh.state == S.POSTED and fresh.posted_at is not None and fresh.proposal is None
    assert not Proposal.objects.exists()
    assert not Move.objects.filter(kind="adjust").exists()


def test_inv3_differences_are_adjusted_only_after_the_managers_approval(
        stocked, bins, dress, shirt, picker, boss):
    doc = create_stocktake(actor=picker, warehouse=stocked)
    _count(doc, picker, **{"P-DRESS-01@A-01-01": 8, "P-DRESS-01@A-01-02": 4,
                           "P-SHIRT-01@A-01-02": 7})
    submit_stocktake(actor=picker, document=doc)
    doc = _fresh(doc)
    assert doc.state == S.PROPOSED
    proposal = doc.proposal
    assert (proposal.kind, proposal.state, proposal.current_step["label"]) == (
        "stock_adjustment", "pending", "部门经理审批")
    assert proposal.title == f"盘点差异调整：杭州主仓 {doc.number}"
    assert [(ln["sku"], ln["location"], ln["difference"]) for ln in proposal.payload["lines"]] == [
        ("P-DRESS-01", "A-01-01", -2), ("P-SHIRT-01", "A-01-02", 1)]
    assert Notification.objects.filter(recipient=boss,
                                       title=f"待您审批：{proposal.title}").exists()
    # Nothing moves while it waits, and the counts are frozen.
    assert not Move.objects.filter(kind="adjust").exists()
    with pytest.raises(ConflictError) as exc:
        _count(doc, picker, **{"P-DRESS-01@A-01-01": 9})
    assert exc.value.message == f"盘点单 {doc.number} 当前为「差异待审批」，不能录入。"

    approve_proposal(actor=boss, proposal=proposal)
    assert _fresh(doc).state == S.POSTED
    assert Proposal.objects.get(pk=proposal.pk).state == "executed"
    assert Stock.objects.get(sku=dress, warehouse=stocked).on_hand == 12
    assert Stock.objects.get(sku=shirt, warehouse=stocked).on_hand == 7
    assert BinStock.objects.get(sku=dress, location=bins["A-01-01"]).quantity == 8
    adjust = Move.objects.filter(kind="adjust", reference=f"inventory.document:{doc.pk}")
    assert sorted((m.sku.code, m.location.code, m.on_hand_delta, m.actor_id) for m in adjust) == [
        ("P-DRESS-01", "A-01-01", -2, boss.pk), ("P-SHIRT-01", "A-01-02", 1, boss.pk)]
    assert Event.objects.for_object(doc).filter(verb="stocktake.posted").get().summary == (
        f"盘点差异已调整入账：{doc.number}（2 行，净差 -1）")


def test_inv3_the_counter_cannot_approve_their_own_adjustment(stocked, make_user):
    manager_counter = make_user(roles=["warehouse_supervisor", "manager"])
    doc = create_stocktake(actor=manager_counter, warehouse=stocked)
    _count(doc, manager_counter, **{"P-DRESS-01@A-01-01": 1, "P-DRESS-01@A-01-02": 4,
                                    "P-SHIRT-01@A-01-02": 6})
    submit_stocktake(actor=manager_counter, document=doc)
    with pytest.raises(UserError) as exc:
        approve_proposal(actor=manager_counter, proposal=_fresh(doc).proposal)
    assert exc.value.message == "不能审批自己提出的申请。"


def test_inv3_stock_moved_since_the_count_gets_the_counted_difference(stocked, bins, dress,
                                                                      picker, boss):
    doc = create_stocktake(actor=picker, warehouse=stocked, locations=[bins["A-01-01"]])
    _count(doc, picker, **{"P-DRESS-01@A-01-01": 8})  # book 10, found 8: two missing
    submit_stocktake(actor=picker, document=doc)
    # Meanwhile three ship from that bin.
    ledger.issue(actor=None, sku=dress, warehouse=stocked, quantity=3, location=bins["A-01-01"])
    approve_proposal(actor=boss, proposal=_fresh(doc).proposal)
    # 10 − 3 shipped − 2 missing: the shipment is not undone.
    assert BinStock.objects.get(sku=dress, location=bins["A-01-01"]).quantity == 5
    assert Stock.objects.get(sku=dress, warehouse=stocked).on_hand == 9


def test_inv3_rejected_adjustment_goes_back_to_counting(stocked, picker, boss):
    doc = create_stocktake(actor=picker, warehouse=stocked)
    _count(doc, picker, **{"P-DRESS-01@A-01-01": 8, "P-DRESS-01@A-01-02": 4,
                           "P-SHIRT-01@A-01-02": 6})
    submit_stocktake(actor=picker, document=doc)
    first = _fresh(doc).proposal
    reject_proposal(actor=boss, proposal=first, comment="A-01-01 请复盘")
    doc = _fresh(doc)  # the rejection itself sends the sheet back to counting
    assert (doc.state, doc.proposal) == (S.COUNTING, None)
    _count(doc, picker, **{"P-DRESS-01@A-01-01": 9})
    submit_stocktake(actor=picker, document=doc)
    second = _fresh(doc).proposal
    assert second.pk != first.pk
    assert [ln["difference"] for ln in second.payload["lines"]] == [-1]
    approve_proposal(actor=boss, proposal=second)
    assert _fresh(doc).state == S.POSTED
    assert Move.objects.filter(kind="adjust").count() == 1


def test_inv3_saving_counts_after_a_withdrawal_reopens_the_sheet(stocked, picker):
    doc = create_stocktake(actor=picker, warehouse=stocked)
    _count(doc, picker, **{"P-DRESS-01@A-01-01": 8, "P-DRESS-01@A-01-02": 4,
                           "P-SHIRT-01@A-01-02": 6})
    submit_stocktake(actor=picker, document=doc)
    withdraw_proposal(actor=picker, proposal=_fresh(doc).proposal)
    _count(_fresh(doc), picker, **{"P-DRESS-01@A-01-01": 10})
    assert _fresh(doc).state == S.COUNTING
    assert Event.objects.for_object(doc).filter(verb="stocktake.reopened").count() == 1


def test_inv3_reopening_needs_a_rejected_adjustment(stocked, picker):
    doc = create_stocktake(actor=picker, warehouse=stocked)
    with pytest.raises(ConflictError) as exc:
        reopen_stocktake(actor=picker, document=doc)
    assert exc.value.message == "只有差异调整被驳回或撤回的盘点单可以重新盘点。"


def test_inv3_goods_found_off_the_sheet_are_added_with_their_book_quantity(
        stocked, bins, shirt, picker, boss):
    doc = create_stocktake(actor=picker, warehouse=stocked, locations=[bins["A-01-03"]])
    assert doc.lines.count() == 0
    line = add_stocktake_line(actor=picker, document=doc, sku=shirt, location=bins["A-01-03"],
                              counted=2)
    assert (line.expected, line.counted) == (0, 2)
    with pytest.raises(ConflictError) as exc:
        add_stocktake_line(actor=picker, document=doc, sku=shirt, location=bins["A-01-03"])
    assert exc.value.message == "盘点单上已有 P-SHIRT-01 @ A-01-03。"
    submit_stocktake(actor=picker, document=doc)
    approve_proposal(actor=boss, proposal=_fresh(doc).proposal)
    assert BinStock.objects.get(sku=shirt, location=bins["A-01-03"]).quantity == 2


def test_inv3_stocktake_needs_the_capability(stocked, make_user):
    packer = make_user(roles=["packer"])
    with pytest.raises(UserError) as exc:
        create_stocktake(actor=packer, warehouse=stocked)
    assert exc.value.message == "没有权限：盘点 / count stock"


# ---- the overdue reminder ---------------------------------------------------------------

def _reminders():
    return list(Notification.objects.filter(title__startswith="盘点超期")
                .values_list("recipient__username", "title"))


def test_inv3_overdue_reminder_is_a_daily_job(db, monkeypatch):
    monkeypatch.setattr(periodic, "PERIODIC", dict(periodic.PERIODIC))  # leave no trace
    jobs.register()
    job = periodic.PERIODIC[jobs.JOB]
    assert job.run is jobs.remind_overdue_stocktakes
    now = timezone.now()
    later = job.next_run(now)
    assert timedelta(0) < later - now <= timedelta(days=1)


def test_inv3_warehouse_never_counted_reminds_the_supervisors(stocked, store, keeper, picker):
    assert jobs.remind_overdue_stocktakes() == 1  # the store holds nothing: not reminded
    assert _reminders() == [("sunwei", "盘点超期：杭州主仓（尚无已过账的盘点）")]
    note = Notification.objects.get(recipient=keeper)
    assert note.body == "制度要求每 2 天盘点一次，请安排盘点。"
    assert note.link == f"/inventory/stocktakes/new/?warehouse={stocked.pk}"


def test_inv3_recent_stocktake_silences_the_reminder_until_the_interval_passes(stocked, keeper):
    doc = create_stocktake(actor=keeper, warehouse=stocked)
    _count(doc, keeper, **{"P-DRESS-01@A-01-01": 10, "P-DRESS-01@A-01-02": 4,
                           "P-SHIRT-01@A-01-02": 6})
    submit_stocktake(actor=keeper, document=doc)
    posted = _fresh(doc).posted_at
    assert jobs.remind_overdue_stocktakes(now=posted + timedelta(days=1, hours=23)) == 0
    assert jobs.remind_overdue_stocktakes(now=posted + timedelta(days=2, hours=1)) == 1
    assert _reminders()[0][1].startswith("盘点超期：杭州主仓（上次盘点 ")
    assert _reminders()[0][1].endswith("，已 2 天）")
    # The interval is a setting, not a constant.
    SettingValue.objects.create(key="inventory.stocktake_interval_days", value=7)
    from shopops.core import registry

    registry.clear_cache()
    assert jobs.remind_overdue_stocktakes(now=posted + timedelta(days=6)) == 0


def test_inv3_api_counts_by_barcode_and_location_as_a_scanner_reads_them(
        stocked, dress, picker, client_for):
    client = client_for(picker)
    response = client.post("/api/v1/inventory/stocktakes", {"warehouse_id": stocked.pk,
                                                             "locations": ["A-01-01"]},
                           content_type="application/json")
    assert response.status_code == 201
    pk = response.json()["id"]
    response = client.post(f"/api/v1/inventory/stocktakes/{pk}/counts", {
        "counts": [{"sku": dress.barcode, "location": "a-01-01", "counted": 11}]},
        content_type="application/json")
    assert response.json()["lines"][0]["counted"] == 11
    response = client.post(f"/api/v1/inventory/stocktakes/{pk}/counts", {
        "counts": [{"sku": dress.barcode, "location": "A-01-03", "counted": 1}]},
        content_type="application/json")
    assert (response.status_code, response.json()["message"]) == (
        400, "盘点单上没有 P-DRESS-01 @ A-01-03。")
    response = client.post(f"/api/v1/inventory/documents/{pk}/submit")
    assert response.json()["state"] == "proposed"
