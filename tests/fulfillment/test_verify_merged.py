"""FUL-1 merge, FUL-4: orders merged into one parcel share one waybill; the verifier scans
that waybill for each order of the box in turn, then the box is packed as one parcel."""

from shopops.fulfillment.actions.packing import pack_order
from shopops.fulfillment.actions.picking import complete_pick
from shopops.fulfillment.actions.printing import create_waves, hand_to_picker, print_wave
from shopops.fulfillment.actions.review import run_review_batch
from shopops.fulfillment.actions.verify import scan_item, start_verify
from shopops.fulfillment.models import Slip


def test_ful4_shared_waybill_verifies_each_merged_order_in_turn(paid_order, people, hz, dress,
                                                               shirt):
    first = paid_order(platform_order_no="M1")
    second = paid_order(platform_order_no="M2", lines=[{"sku": shirt, "quantity": 1}])
    counts = run_review_batch(actor=people.reviewer, warehouse=hz)
    assert counts["merged"] == 1
    wave = create_waves(actor=people.printer, warehouse=hz)[0]
    print_wave(actor=people.printer, wave=wave, render=False)
    hand_to_picker(actor=people.printer, wave=wave, picker=people.picker)
    complete_pick(actor=people.picker, wave=wave)
    waybills = set(Slip.objects.filter(state="active").values_list("waybill_no", flat=True))
    assert len(waybills) == 1  # one box, one waybill
    waybill = waybills.pop()

    seen = []
    for _ in range(2):
        result = start_verify(actor=people.verifier, code=waybill)
        assert result.ok, result.message
        seen.append(result.order.pk)
        for line in result.order.lines.select_related("sku"):
            result = scan_item(actor=people.verifier, session=result.session,
                               barcode=line.sku.barcode)
        assert result.done
    assert sorted(seen) == sorted([first.pk, second.pk])
    again = start_verify(actor=people.verifier, code=waybill)
    assert not again.ok  # both verified: nothing left in the box to verify
    primary = first if second.__class__.objects.get(pk=second.pk).merged_into_id else second
    parcel = pack_order(actor=people.packer, order=primary, checklist={"slip": True})
    assert sorted(parcel.orders.values_list("pk", flat=True)) == sorted([first.pk, second.pk])


def test_ful4_intercepting_one_order_of_a_merged_box_keeps_the_rest(paid_order, people, hz,
                                                                    dress, shirt):
    """FUL-4/FUL-5: one order of a merged box is cancelled after packing; at the handover
    its goods come out, the rest of the box keeps its waybill and ships next time."""
    from shopops.core.models import Event
    from shopops.fulfillment.actions.handover import close_handover, open_handover, scan_parcel
    from shopops.inventory.models import Stock
    from shopops.orders.actions import cancel
    from shopops.orders.models import Order

    paid_order(platform_order_no="M1")
    paid_order(platform_order_no="M2", lines=[{"sku": shirt, "quantity": 1}])
    run_review_batch(actor=people.reviewer, warehouse=hz)
    wave = create_waves(actor=people.printer, warehouse=hz)[0]
    print_wave(actor=people.printer, wave=wave, render=False)
    hand_to_picker(actor=people.printer, wave=wave, picker=people.picker)
    complete_pick(actor=people.picker, wave=wave)
    waybill = Slip.objects.filter(state="active").values_list("waybill_no", flat=True)[0]
    for _ in range(2):
        result = start_verify(actor=people.verifier, code=waybill)
        for line in result.order.lines.select_related("sku"):
            scan_item(actor=people.verifier, session=result.session, barcode=line.sku.barcode)
    primary = Order.objects.get(merged_into__isnull=True, platform_order_no__in=["M1", "M2"])
    secondary = Order.objects.get(merged_into=primary)
    parcel = pack_order(actor=people.packer, order=primary, checklist={"slip": True})

    sheet = open_handover(actor=people.packer, courier=parcel.courier, warehouse=hz)
    cancel(actor=people.boss, order=secondary, reason="客户取消其中一单")
    result = scan_parcel(actor=people.packer, handover=sheet, code=waybill)
    assert result.intercepted and result.message.startswith("订单已取消")
    parcel.refresh_from_db()
    assert parcel.state == "packed" and list(parcel.orders.all()) == [primary]
    assert Order.objects.get(pk=secondary.pk).state == "cancelled"
    assert Event.objects.filter(verb="parcel.repacked").count() == 1
    close_handover(actor=people.packer, handover=sheet)  # nothing left on this sheet

    again = open_handover(actor=people.packer, courier=parcel.courier, warehouse=hz)
    scan_parcel(actor=people.packer, handover=again, code=waybill)
    close_handover(actor=people.packer, handover=again)
    assert Order.objects.get(pk=primary.pk).state == "shipped"
    wave.refresh_from_db()
    assert wave.state == "done"  # every order of the wave shipped or cancelled
    secondary_sku = secondary.lines.get().sku
    stock = Stock.objects.get(sku=secondary_sku)
    assert stock.reserved == 0 and stock.on_hand == 20  # its goods went back on the shelf
