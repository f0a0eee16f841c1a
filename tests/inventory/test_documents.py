"""FUL-3 / INV-4: receipts, transfers and issues move stock only when both people of the
handover have signed; the second signature posts to the ledger in the same transaction;
a posted document never changes."""

import re
import threading

import pytest
from django.db import connection

from shopops.core.errors import ConflictError, PermissionDeniedError, UserError
from shopops.core.models import Event, Notification
from shopops.inventory.actions.documents import (
    cancel_document,
    create_document,
    sign_document,
    submit_document,
    update_document,
)
from shopops.inventory.models import BinStock, Document, Move, Stock

S = Document.State


def _receipt(actor, hz, bins, sku, supplier, *, handed, received, quantity=10, code="A-01-01"):
    return create_document(actor=actor, kind="receipt", warehouse=hz, supplier=supplier,
                           handed_by=handed, received_by=received,
                           lines=[{"sku": sku, "quantity": quantity, "location": bins[code]}])


def _fresh(doc):
    return Document.objects.get(pk=doc.pk)


def _ref(doc):
    return f"inventory.document:{doc.pk}"


def test_ful3_inv4_receipt_moves_stock_only_after_both_signatures(hz, bins, dress, supplier,
                                                                   keeper, picker):
    doc = _receipt(picker, hz, bins, dress, supplier, handed=keeper, received=picker)
    assert re.fullmatch(r"RK\d{8}-\d{4}", doc.number)
    assert doc.state == S.DRAFT
    submit_document(actor=picker, document=doc)
    assert _fresh(doc).state == S.SIGNING
    # Both signers are told to sign.
    assert set(Notification.objects.filter(title=f"请签字：入库单 {doc.number}")
               .values_list("recipient__username", flat=True)) == {"sunwei", "zhaoqiang"}

    sign_document(actor=keeper, document=doc)
    after_one = _fresh(doc)
    assert after_one.state == S.SIGNING and after_one.handed_signed_at is not None
    assert not Move.objects.filter(reference=_ref(doc)).exists()
    assert not Stock.objects.filter(sku=dress, warehouse=hz).exists()

    sign_document(actor=picker, document=doc)
    posted = _fresh(doc)
    assert posted.state == S.POSTED and posted.posted_at is not None
    assert posted.received_signed_at is not None
    stock = Stock.objects.get(sku=dress, warehouse=hz)
    assert (stock.on_hand, stock.reserved) == (10, 0)
    assert BinStock.objects.get(sku=dress, location=bins["A-01-01"]).quantity == 10
    move = Move.objects.get(reference=_ref(doc))
    # The receiver takes the goods in; the person handing over is the counterpart.
    assert (move.kind, move.on_hand_delta, move.actor, move.counterpart) == (
        "receipt", 10, picker, keeper)
    assert move.location == bins["A-01-01"]
    verbs = list(Event.objects.for_object(doc).order_by("id").values_list("verb", flat=True))
    assert verbs == ["document.created", "document.submitted", "document.signed",
                     "document.signed", "document.posted"]


def test_ful3_the_receiver_may_sign_first(hz, bins, dress, supplier, keeper, picker):
    doc = _receipt(keeper, hz, bins, dress, supplier, handed=keeper, received=picker)
    submit_document(actor=keeper, document=doc)
    sign_document(actor=picker, document=doc)
    assert _fresh(doc).state == S.SIGNING
    sign_document(actor=keeper, document=doc)
    assert _fresh(doc).state == S.POSTED
    # The receipt's actor is still the receiver, whoever signed last.
    assert Move.objects.get(reference=_ref(doc)).actor == picker


def test_ful3_one_person_cannot_sign_both_sides(hz, bins, dress, supplier, keeper):
    doc = _receipt(keeper, hz, bins, dress, supplier, handed=keeper, received=keeper)
    with pytest.raises(UserError) as exc:
        submit_document(actor=keeper, document=doc)
    assert exc.value.message == "交出人和接收人不能是同一个人。"
    assert _fresh(doc).state == S.DRAFT


def test_ful3_both_signers_must_be_named_before_signing(hz, bins, dress, supplier, keeper):
    doc = _receipt(keeper, hz, bins, dress, supplier, handed=keeper, received=None)
    with pytest.raises(UserError) as exc:
        submit_document(actor=keeper, document=doc)
    assert exc.value.message == "请指定交出人和接收人。"


def test_ful3_only_the_named_person_signs_their_side(hz, bins, dress, supplier, keeper, picker,
                                                     make_user):
    other_keeper = make_user(roles=["warehouse_supervisor"], display_name="另一位主管")
    doc = _receipt(keeper, hz, bins, dress, supplier, handed=keeper, received=picker)
    submit_document(actor=keeper, document=doc)
    with pytest.raises(PermissionDeniedError) as exc:
        sign_document(actor=other_keeper, document=doc)
    assert exc.value.message == "只有单据指定的交出人或接收人本人可以签字。"
    fresh = _fresh(doc)
    assert (fresh.handed_signed_at, fresh.received_signed_at) == (None, None)


def test_ful3_signing_twice_is_refused(hz, bins, dress, supplier, keeper, picker):
    doc = _receipt(keeper, hz, bins, dress, supplier, handed=keeper, received=picker)
    submit_document(actor=keeper, document=doc)
    sign_document(actor=keeper, document=doc)
    with pytest.raises(ConflictError) as exc:
        sign_document(actor=keeper, document=doc)
    assert exc.value.message == f"您已在 {doc.number} 上签过字。"


def test_ful3_a_signer_needs_the_signing_permission(hz, bins, dress, supplier, keeper,
                                                    make_user):
    designer = make_user(roles=["designer"], display_name="杨帆")
    doc = _receipt(keeper, hz, bins, dress, supplier, handed=keeper, received=designer)
    with pytest.raises(UserError) as exc:
        submit_document(actor=keeper, document=doc)
    assert exc.value.message == "杨帆 没有交接签字权限。"


def test_ful3_a_draft_cannot_be_signed(hz, bins, dress, supplier, keeper, picker):
    doc = _receipt(keeper, hz, bins, dress, supplier, handed=keeper, received=picker)
    with pytest.raises(ConflictError) as exc:
        sign_document(actor=keeper, document=doc)
    assert exc.value.message == f"单据 {doc.number} 当前为「草稿」，不能签字。"


def test_inv4_receipt_needs_its_supplier_and_a_location_in_a_warehouse_with_locations(
        hz, bins, dress, supplier, keeper, picker):
    with pytest.raises(UserError) as exc:
        create_document(actor=keeper, kind="receipt", warehouse=hz, handed_by=keeper,
                        received_by=picker, lines=[{"sku": dress, "quantity": 1,
                                                    "location": bins["A-01-01"]}])
    assert exc.value.message == "入库单请选择供应商或品牌商。"
    with pytest.raises(UserError) as exc:
        create_document(actor=keeper, kind="receipt", warehouse=hz, supplier=supplier,
                        lines=[{"sku": dress, "quantity": 1}])
    assert exc.value.message == "第 1 行：杭州主仓 设有库位，请填写库位。"
    with pytest.raises(UserError) as exc:
        create_document(actor=keeper, kind="receipt", warehouse=hz, supplier=supplier,
                        lines=[{"sku": dress, "quantity": 0, "location": bins["A-01-01"]}])
    assert exc.value.message == "第 1 行：数量必须是正整数。"
    assert not Document.objects.exists()


def test_inv4_receipt_needs_the_receive_capability(hz, bins, dress, supplier, make_user):
    packer = make_user(roles=["packer"])
    with pytest.raises(PermissionDeniedError) as exc:
        _receipt(packer, hz, bins, dress, supplier, handed=packer, received=packer)
    assert exc.value.message == "没有权限：入库 / receive goods"


def test_inv4_transfer_between_warehouse_and_store_with_locations(
        hz, bins, store, dress, keeper, picker, put_stock):
    put_stock(dress, hz, 10, bins["A-01-02"])
    doc = create_document(actor=picker, kind="transfer", warehouse=hz, to_warehouse=store,
                          handed_by=picker, received_by=keeper,
                          lines=[{"sku": dress, "quantity": 4, "location": bins["A-01-02"]}])
    assert re.fullmatch(r"DB\d{8}-\d{4}", doc.number)
    submit_document(actor=picker, document=doc)
    sign_document(actor=picker, document=doc)
    sign_document(actor=keeper, document=doc)
    assert _fresh(doc).state == S.POSTED
    assert Stock.objects.get(sku=dress, warehouse=hz).on_hand == 6
    assert Stock.objects.get(sku=dress, warehouse=store).on_hand == 4
    assert BinStock.objects.get(sku=dress, location=bins["A-01-02"]).quantity == 6
    moves = {m.kind: m for m in Move.objects.filter(reference=_ref(doc))}
    assert set(moves) == {"transfer_out", "transfer_in"}
    for move in moves.values():
        assert (move.actor, move.counterpart) == (picker, keeper)
    assert (moves["transfer_out"].warehouse, moves["transfer_out"].on_hand_delta) == (hz, -4)
    assert (moves["transfer_in"].warehouse, moves["transfer_in"].on_hand_delta) == (store, 4)


def test_inv4_transfer_needs_two_different_warehouses(hz, bins, dress, keeper, picker):
    with pytest.raises(UserError) as exc:
        create_document(actor=picker, kind="transfer", warehouse=hz, to_warehouse=hz,
                        lines=[{"sku": dress, "quantity": 1, "location": bins["A-01-01"]}])
    assert exc.value.message == "调出和调入不能是同一个仓库。"


def test_inv4_short_stock_on_posting_changes_nothing_and_waits_in_signing(
        hz, bins, store, dress, keeper, picker, put_stock):
    put_stock(dress, hz, 2, bins["A-01-01"])
    doc = create_document(actor=picker, kind="transfer", warehouse=hz, to_warehouse=store,
                          handed_by=picker, received_by=keeper,
                          lines=[{"sku": dress, "quantity": 5, "location": bins["A-01-01"]}])
    submit_document(actor=picker, document=doc)
    sign_document(actor=picker, document=doc)
    moves_before = Move.objects.count()
    with pytest.raises(UserError) as exc:
        sign_document(actor=keeper, document=doc)
    assert exc.value.code == "insufficient_stock"
    assert exc.value.message == (f"{doc.number} 无法过账，"
                                 f"库存不足：P-DRESS-01 藏青 在 杭州主仓 可用 2，需要 5")
    fresh = _fresh(doc)
    assert fresh.state == S.SIGNING
    assert fresh.handed_signed_at is not None and fresh.received_signed_at is None
    assert Move.objects.count() == moves_before
    assert Stock.objects.get(sku=dress, warehouse=hz).on_hand == 2
    assert not Stock.objects.filter(sku=dress, warehouse=store, on_hand__gt=0).exists()
    assert not Event.objects.for_object(doc).filter(verb="document.posted").exists()
    # Once the stock is there, the same signature posts it.
    put_stock(dress, hz, 3, bins["A-01-01"])
    sign_document(actor=keeper, document=doc)
    assert _fresh(doc).state == S.POSTED


def test_inv4_issue_takes_stock_out_and_needs_a_reason(hz, bins, dress, keeper, picker,
                                                       put_stock):
    put_stock(dress, hz, 8, bins["A-01-03"])
    lines = [{"sku": dress, "quantity": 2, "location": bins["A-01-03"]}]
    with pytest.raises(UserError) as exc:
        create_document(actor=keeper, kind="issue", warehouse=hz, lines=lines)
    assert exc.value.message == "出库单请在备注中写明出库原因（如样品、报损）。"
    doc = create_document(actor=keeper, kind="issue", warehouse=hz, lines=lines,
                          handed_by=keeper, received_by=picker, note="拍摄样品借出")
    assert re.fullmatch(r"CK\d{8}-\d{4}", doc.number)
    submit_document(actor=keeper, document=doc)
    sign_document(actor=picker, document=doc)
    sign_document(actor=keeper, document=doc)
    assert Stock.objects.get(sku=dress, warehouse=hz).on_hand == 6
    move = Move.objects.get(reference=_ref(doc))
    # The warehouse hands the goods out: its keeper is the actor, the receiver the counterpart.
    assert (move.kind, move.on_hand_delta, move.actor, move.counterpart, move.note) == (
        "shipment", -2, keeper, picker, f"出库单 {doc.number}")


def test_inv4_a_posted_document_never_changes(hz, bins, dress, supplier, keeper, picker):
    doc = _receipt(keeper, hz, bins, dress, supplier, handed=keeper, received=picker)
    submit_document(actor=keeper, document=doc)
    sign_document(actor=keeper, document=doc)
    sign_document(actor=picker, document=doc)
    message = f"单据 {doc.number} 已过账，不能再修改。"
    with pytest.raises(ConflictError) as exc:
        update_document(actor=keeper, document=doc, handed_by=keeper, received_by=picker,
                        supplier=supplier,
                        lines=[{"sku": dress, "quantity": 99, "location": bins["A-01-01"]}])
    assert exc.value.message == message
    with pytest.raises(ConflictError) as exc:
        cancel_document(actor=keeper, document=doc)
    assert exc.value.message == message
    with pytest.raises(ConflictError):
        sign_document(actor=picker, document=doc)
    assert list(doc.lines.values_list("quantity", flat=True)) == [10]
    assert Stock.objects.get(sku=dress, warehouse=hz).on_hand == 10


def test_inv4_a_draft_can_be_edited_then_submitted(hz, bins, dress, supplier, keeper, picker):
    doc = _receipt(keeper, hz, bins, dress, supplier, handed=keeper, received=None)
    update_document(actor=keeper, document=doc, supplier=supplier, handed_by=keeper,
                    received_by=picker,
                    lines=[{"sku": dress, "quantity": 7, "location": bins["A-01-02"]}])
    assert [(ln.quantity, ln.location.code) for ln in doc.lines.all()] == [(7, "A-01-02")]
    event = Event.objects.for_object(doc).get(verb="document.updated")
    assert event.changes == {"received_by_id": [None, picker.pk]}
    submit_document(actor=keeper, document=doc)
    with pytest.raises(ConflictError) as exc:
        update_document(actor=keeper, document=doc, supplier=supplier, handed_by=keeper,
                        received_by=picker,
                        lines=[{"sku": dress, "quantity": 1, "location": bins["A-01-02"]}])
    assert exc.value.message == f"只有草稿状态的单据可以修改（{doc.number} 当前为「待交接签字」）。"


def test_inv4_cancelling_a_document_in_signing_tells_the_signers(hz, bins, dress, supplier,
                                                                  keeper, picker):
    doc = _receipt(keeper, hz, bins, dress, supplier, handed=keeper, received=picker)
    submit_document(actor=keeper, document=doc)
    sign_document(actor=keeper, document=doc)
    cancel_document(actor=keeper, document=doc, reason="供应商送错货")
    assert _fresh(doc).state == S.CANCELLED
    assert Notification.objects.filter(recipient=picker,
                                       title=f"单据已作废：{doc.number}").count() == 1
    event = Event.objects.for_object(doc).get(verb="document.cancelled")
    assert event.summary == f"作废 {doc.number}：供应商送错货"
    with pytest.raises(ConflictError) as exc:
        sign_document(actor=picker, document=doc)
    assert exc.value.message == f"单据 {doc.number} 当前为「已作废」，不能签字。"
    assert not Move.objects.filter(reference=_ref(doc)).exists()


def test_ful3_every_document_move_names_both_people(hz, bins, store, dress, supplier, keeper,
                                                    picker):
    doc = _receipt(keeper, hz, bins, dress, supplier, handed=keeper, received=picker)
    submit_document(actor=keeper, document=doc)
    sign_document(actor=keeper, document=doc)
    sign_document(actor=picker, document=doc)
    transfer = create_document(actor=picker, kind="transfer", warehouse=hz, to_warehouse=store,
                               handed_by=picker, received_by=keeper,
                               lines=[{"sku": dress, "quantity": 3,
                                       "location": bins["A-01-01"]}])
    submit_document(actor=picker, document=transfer)
    sign_document(actor=keeper, document=transfer)
    sign_document(actor=picker, document=transfer)
    moves = Move.objects.filter(reference__startswith="inventory.document:")
    assert moves.count() == 3
    assert not moves.filter(actor__isnull=True).exists()
    assert not moves.filter(counterpart__isnull=True).exists()
    assert all(m.actor_id != m.counterpart_id for m in moves)


@pytest.mark.django_db(transaction=True)
def test_ful3_two_signers_signing_at_once_post_exactly_once(make_user):
    from shopops.inventory import ledger
    from tests.factories import make_location, make_sku, make_supplier, make_warehouse

    hz = make_warehouse(code="hz-race", name="杭州主仓")
    loc = make_location(hz, code="A-01-01")
    sku = make_sku(code="P-RACE", skus=[{"颜色": "黑"}])
    keeper = make_user(roles=["warehouse_supervisor"])
    picker = make_user(roles=["picker"])
    ledger.receive(actor=None, sku=sku, warehouse=hz, quantity=1, location=loc)
    doc = create_document(actor=keeper, kind="receipt", warehouse=hz,
                          supplier=make_supplier(), handed_by=keeper, received_by=picker,
                          lines=[{"sku": sku, "quantity": 5, "location": loc}])
    submit_document(actor=keeper, document=doc)
    barrier = threading.Barrier(2)
    outcome = {}

    def run(person):
        try:
            mine = Document.objects.get(pk=doc.pk)
            barrier.wait(timeout=10)
            sign_document(actor=person, document=mine)
            outcome[person.pk] = "ok"
        except UserError as exc:
            outcome[person.pk] = exc.code
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(p,)) for p in (keeper, picker)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert outcome == {keeper.pk: "ok", picker.pk: "ok"}
    assert _fresh(doc).state == S.POSTED
    assert Move.objects.filter(reference=_ref(doc)).count() == 1
    assert Stock.objects.get(sku=sku, warehouse=hz).on_hand == 6


# ---- the same over the API (/api/v1/inventory) ----------------------------------------------

def _post(client, url, data=None):
    return client.post(f"/api/v1/inventory{url}", data=data or {},
                       content_type="application/json")


def test_ful3_api_receipt_from_creation_to_both_signatures(hz, bins, dress, supplier, keeper,
                                                           picker, client_for):
    response = _post(client_for(picker), "/documents", {
        "kind": "receipt", "warehouse_id": hz.pk, "supplier_id": supplier.pk,
        "handed_by_id": keeper.pk, "received_by_id": picker.pk,
        "lines": [{"sku": dress.barcode, "quantity": 6, "location": "a-01-01"}]})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["state"], body["lines"][0]["sku_code"], body["lines"][0]["location"]) == (
        "draft", "P-DRESS-01", "A-01-01")
    pk = body["id"]
    assert _post(client_for(picker), f"/documents/{pk}/submit").json()["state"] == "signing"
    assert _post(client_for(keeper), f"/documents/{pk}/sign").json()["state"] == "signing"
    body = _post(client_for(picker), f"/documents/{pk}/sign").json()
    assert body["state"] == "posted" and body["received_signed_at"] and body["handed_signed_at"]
    assert Stock.objects.get(sku=dress, warehouse=hz).on_hand == 6


def test_ful3_api_refuses_a_stranger_signing_with_a_chinese_message(
        hz, bins, dress, supplier, keeper, picker, client_for, make_user):
    doc = _receipt(keeper, hz, bins, dress, supplier, handed=keeper, received=picker)
    submit_document(actor=keeper, document=doc)
    stranger = make_user(roles=["packer"])
    response = _post(client_for(stranger), f"/documents/{doc.pk}/sign")
    assert response.status_code == 403
    assert response.json() == {
        "code": "not_the_signer", "message": "只有单据指定的交出人或接收人本人可以签字。",
        "message_en": "Only the named person handing over or receiving may sign."}
    response = _post(client_for(keeper), "/documents", {
        "kind": "receipt", "warehouse_id": hz.pk, "supplier_id": supplier.pk,
        "lines": [{"sku": "NOPE", "quantity": 1}]})
    assert (response.status_code, response.json()["message"]) == (
        400, "找不到商品 NOPE（商家编码或条码）。")
