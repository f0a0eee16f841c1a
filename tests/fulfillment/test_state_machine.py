"""ORD-7: random sequences of the real actions on one order — payment, review, print, pick,
verification, packing, handover, holds, refunds, cancellations, amendments — never take the
order through a move the map does not allow. Every refused action raises a clear error (a
code and a Chinese message) and changes nothing: not the order, not the stock, not the
events. Stock always balances: what is reserved is exactly what open orders hold."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from shopops.core.errors import UserError
from shopops.core.models import Event
from shopops.fulfillment.actions.handover import close_handover, open_handover, scan_parcel
from shopops.fulfillment.actions.packing import pack_order
from shopops.fulfillment.actions.picking import complete_pick
from shopops.fulfillment.actions.printing import create_waves, hand_to_picker, print_wave, reprint
from shopops.fulfillment.actions.review import review_order
from shopops.fulfillment.actions.verify import scan_item, start_verify
from shopops.fulfillment.models import Courier, Slip, WaveOrder
from shopops.inventory.models import Reservation, Stock
from shopops.orders import actions
from shopops.orders.models import Order
from shopops.orders.states import ALLOWED

from .conftest import CUSTOMER

FIELDS = ["state", "hold_reason", "held_from", "intercept", "courier", "needs_reprint",
          "printed_at", "picked_by_id", "verified_by_id", "shipped_at", "customer_name"]
HOLD_REASONS = ["address", "customer_request", "remark", "other"]


def snapshot(order):
    row = Order.objects.values(*FIELDS).get(pk=order.pk)
    stock = sorted(Stock.objects.values_list("sku_id", "on_hand", "reserved"))
    return row, stock, Event.objects.count()


class OrderLife(RuleBasedStateMachine):
    """One order (two lines) of a fresh savepoint per example; `ctx` carries the fixtures."""

    ctx = None

    @initialize()
    def start(self):
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        c = self.ctx
        self.people = c["people"]
        self.order = actions.create_order(
            actor=self.people.cs, channel=c["tmall"], paid=False,
            lines=[{"sku": c["dress"], "quantity": 2}, {"sku": c["shirt"], "quantity": 1}],
            **CUSTOMER)
        self.moves = []

    def teardown(self):
        if getattr(self, "atomic", None) is not None:
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)

    def act(self, name, call):
        """Run one action: refused → nothing changed; done → only a legal move."""
        before = snapshot(self.order)
        old_state = before[0]["state"]
        try:
            with transaction.atomic():
                call()
        except UserError as exc:
            assert exc.code and exc.message, name
            assert snapshot(self.order) == before, f"{name} refused but changed something"
            return False
        self.order.refresh_from_db()
        new_state = self.order.state
        if new_state != old_state:
            assert new_state in ALLOWED[old_state], f"{name}: {old_state} → {new_state}"
            self.moves.append((name, old_state, new_state))
        return True

    # -- customer service -------------------------------------------------------------

    @rule()
    def pay(self):
        self.act("pay", lambda: actions.mark_paid(actor=self.people.cs, order=self.order))

    @rule()
    def confirm(self):
        self.act("confirm", lambda: actions.confirm(actor=self.people.cs, order=self.order))

    @rule(reason=st.sampled_from(HOLD_REASONS), now=st.integers(0, 3))
    def hold(self, reason, now):
        if now:  # disruptions are rarer than work, so runs get deep into the line
            return
        self.act("hold", lambda: actions.hold(actor=self.people.cs, order=self.order,
                                              reason=reason, note="客户来电"))

    @rule()
    def unhold(self):
        self.act("unhold", lambda: actions.unhold(actor=self.people.cs, order=self.order))

    @rule(now=st.integers(0, 3))
    def refund(self, now):
        if now:
            return
        self.act("refund", lambda: actions.request_refund(actor=self.people.cs,
                                                          order=self.order, reason="拍错尺码"))

    @rule(now=st.integers(0, 3))
    def cancel(self, now):
        if now:
            return
        self.act("cancel", lambda: actions.cancel(actor=self.people.boss, order=self.order,
                                                  reason="客户取消"))

    @rule(courier=st.sampled_from(["顺丰速运", "中通快递"]))
    def amend_courier(self, courier):
        self.act("amend", lambda: actions.amend_order(
            actor=self.people.cs, order=self.order, field="courier", value=courier,
            reason="客户要求"))

    # -- the warehouse line -----------------------------------------------------------

    @rule()
    def review(self):
        self.act("review", lambda: review_order(actor=self.people.reviewer, order=self.order))

    def _wave(self):
        member = WaveOrder.objects.filter(order=self.order).select_related("wave").first()
        return member.wave if member else None

    @rule()
    def print_(self):
        def run():
            wave = self._wave()
            if wave is None:
                waves = create_waves(actor=self.people.printer, orders=[self.order])
                if not waves:
                    raise UserError("nothing_to_print", "没有可打印的订单。")
                wave = waves[0]
            if self.order.needs_reprint:
                reprint(actor=self.people.printer, wave=wave, reason="订单修改后重打",
                        render=False)
            else:
                print_wave(actor=self.people.printer, wave=wave, render=False)
        self.act("print", run)

    @rule()
    def pick(self):
        def run():
            wave = self._wave()
            if wave is None:
                raise UserError("no_wave", "订单不在任何波次中。")
            if wave.state == "printed":
                hand_to_picker(actor=self.people.printer, wave=wave, picker=self.people.picker)
            complete_pick(actor=self.people.picker, wave=wave)
        self.act("pick", run)

    @rule(wrong_first=st.booleans())
    def verify(self, wrong_first):
        def run():
            slip = Slip.objects.filter(order=self.order, state="active").first()
            code = slip.waybill_no if slip else self.order.number
            result = start_verify(actor=self.people.verifier, code=code)
            if not result.ok:
                if result.intercepted:
                    return  # the stop is the state change, and it is kept
                raise UserError(result.code, result.message)
            if wrong_first:
                assert not scan_item(actor=self.people.verifier, session=result.session,
                                     barcode="6900000000000").ok
            for line in self.order.lines.select_related("sku"):
                for _ in range(line.quantity):
                    result = scan_item(actor=self.people.verifier, session=result.session,
                                       barcode=line.sku.barcode)
            if not result.done:
                raise UserError(result.code, result.message)
        self.act("verify", run)

    @rule()
    def pack(self):
        self.act("pack", lambda: pack_order(actor=self.people.packer, order=self.order,
                                            checklist={"slip": True}))

    @rule()
    def ship(self):
        def run():
            parcel = self.order.parcels.filter(state="packed").first()
            if parcel is None:
                raise UserError("no_parcel", "订单还没有打包。")
            handover = open_handover(actor=self.people.packer, courier=parcel.courier,
                                     warehouse=self.order.warehouse)
            scan_parcel(actor=self.people.packer, handover=handover, code=parcel.waybill_no)
            close_handover(actor=self.people.packer, handover=handover)
        self.act("ship", run)

    @rule()
    def advance(self):
        """The next step of the ordinary day for the order's state (the others may still
        interleave): this takes runs all the way to shipping."""
        step = {"pending_payment": self.pay, "paid": self.review, "confirmed": self.review,
                "reviewed": self.print_, "printed": self.pick, "picked": self.verify,
                "verified": self.pack, "packed": self.ship}.get(self.order.state)
        if step == self.verify:
            step(wrong_first=False)
        elif step is not None:
            step()

    # -- what must always hold ----------------------------------------------------------

    @invariant()
    def stock_balances(self):
        if not hasattr(self, "order"):
            return
        active = sum(Reservation.objects.filter(state="active").values_list("quantity",
                                                                            flat=True))
        assert sum(Stock.objects.values_list("reserved", flat=True)) == active
        self.order.refresh_from_db()
        holding = Reservation.objects.filter(
            pk__in=self.order.lines.values("reservation_id"), state="active").count()
        if self.order.state in ("cancelled", "shipped", "delivered", "completed"):
            assert holding == 0
        else:
            assert holding == 2

    @invariant()
    def one_active_slip_at_most(self):
        if hasattr(self, "order"):
            assert Slip.objects.filter(order=self.order, state="active").count() <= 1


@pytest.mark.django_db
def test_ord7_random_action_sequences_only_make_legal_moves(hz, dress, shirt, tmall, people):
    assert Courier.objects.filter(code="zto").exists()
    OrderLife.ctx = {"people": people, "tmall": tmall, "dress": dress, "shirt": shirt}
    try:
        OrderLife.TestCase.settings = settings(
            max_examples=60, stateful_step_count=25, deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
        OrderLife.TestCase().runTest()
    finally:
        OrderLife.ctx = None
