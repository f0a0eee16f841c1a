"""INV-1 / INV-2 as a property: any sequence of receive, issue, reserve, release, consume,
adjust and transfer over 2 SKUs × 2 warehouses (2 bins each) keeps Stock, BinStock and
the reservations equal to a plain Python model and to what the ledger implies
(check_ledger() == []), never negative, and refuses exactly the steps the model refuses."""

import pytest
from django.db import transaction
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)

from shopops.core.errors import UserError
from shopops.inventory import ledger
from shopops.inventory.models import BinStock, Reservation, Stock
from shopops.inventory.queries import check_ledger
from tests.factories import make_location, make_sku, make_warehouse

SKU = st.integers(0, 1)
WH = st.integers(0, 1)
QTY = st.integers(1, 6)
BIN = st.sampled_from([None, 0, 1])  # no bin, or one of the warehouse's two bins


class LedgerMachine(RuleBasedStateMachine):
    reservations = Bundle("reservations")

    def __init__(self):
        super().__init__()
        # Each run inside its own savepoint, rolled back in teardown: runs never see each other.
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.skus = [make_sku(skus=[{"尺码": size}]) for size in ("M", "L")]
        self.whs = [make_warehouse() for _ in range(2)]
        self.locs = [[make_location(wh) for _ in range(2)] for wh in self.whs]
        self.stock = {(s, w): [0, 0] for s in range(2) for w in range(2)}  # on_hand, reserved
        self.bins = {(s, w, b): 0 for s in range(2) for w in range(2) for b in range(2)}
        self.held = {}  # reservation pk → [state, s, w, quantity]

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # -- helpers ---------------------------------------------------------------------------

    def available(self, s, w):
        on_hand, reserved = self.stock[s, w]
        return on_hand - reserved

    def loc(self, w, b):
        return None if b is None else self.locs[w][b]

    def expect_error(self, code, call, **params):
        with pytest.raises(UserError) as exc:
            call()
        assert exc.value.code == code, exc.value
        for key, value in params.items():
            assert exc.value.params[key] == value

    def take_check(self, s, w, b, q):
        """The error the ledger must give for taking q unreserved units, or None."""
        if self.available(s, w) < q:
            return "insufficient_stock"
        if b is not None and self.bins[s, w, b] < q:
            return "insufficient_bin_stock"
        return None

    def add(self, s, w, b, q):
        self.stock[s, w][0] += q
        if b is not None:
            self.bins[s, w, b] += q

    # -- rules -----------------------------------------------------------------------------

    @rule(s=SKU, w=WH, q=QTY, b=BIN, kind=st.sampled_from(["receipt", "return"]))
    def receive(self, s, w, q, b, kind):
        ledger.receive(actor=None, sku=self.skus[s], warehouse=self.whs[w], quantity=q,
                       location=self.loc(w, b), kind=kind)
        self.add(s, w, b, q)

    @rule(s=SKU, w=WH, q=QTY, b=BIN)
    def issue(self, s, w, q, b):
        call = lambda: ledger.issue(actor=None, sku=self.skus[s], warehouse=self.whs[w],  # noqa: E731
                                    quantity=q, location=self.loc(w, b))
        error = self.take_check(s, w, b, q)
        if error:
            return self.expect_error(error, call, quantity=q)
        call()
        self.add(s, w, b, -q)

    @rule(s=SKU, w=WH, delta=st.integers(-6, 6).filter(bool), b=BIN)
    def adjust(self, s, w, delta, b):
        call = lambda: ledger.adjust(actor=None, sku=self.skus[s], warehouse=self.whs[w],  # noqa: E731
                                     delta=delta, location=self.loc(w, b))
        error = delta < 0 and self.take_check(s, w, b, -delta)
        if error:
            return self.expect_error(error, call, quantity=-delta)
        call()
        self.add(s, w, b, delta)

    @rule(target=reservations, s=SKU, w=WH, q=QTY)
    def reserve(self, s, w, q):
        call = lambda: ledger.reserve(actor=None, sku=self.skus[s], warehouse=self.whs[w],  # noqa: E731
                                      quantity=q, reference=f"o:{len(self.held)}")
        if self.available(s, w) < q:
            self.expect_error("insufficient_stock", call, available=self.available(s, w),
                              quantity=q)
            return multiple()
        reservation = call()
        self.stock[s, w][1] += q
        self.held[reservation.pk] = ["active", s, w, q]
        return reservation.pk

    @rule(pk=reservations)
    def release(self, pk):
        ledger.release(actor=None, reservation=pk)  # a closed one: no-op
        state, s, w, q = self.held[pk]
        if state == "active":
            self.stock[s, w][1] -= q
            self.held[pk][0] = "released"

    @rule(pk=reservations, b=BIN)
    def consume(self, pk, b):
        state, s, w, q = self.held[pk]
        call = lambda: ledger.consume(actor=None, reservation=pk, location=self.loc(w, b))  # noqa: E731
        if state != "active":
            return self.expect_error(f"reservation_{state}", call)
        if b is not None and self.bins[s, w, b] < q:
            return self.expect_error("insufficient_bin_stock", call, quantity=q)
        call()
        self.stock[s, w][0] -= q
        self.stock[s, w][1] -= q
        if b is not None:
            self.bins[s, w, b] -= q
        self.held[pk][0] = "consumed"

    @rule(s=SKU, src=WH, dst=WH, q=QTY, src_bin=BIN, dst_bin=BIN)
    def transfer(self, s, src, dst, q, src_bin, dst_bin):
        call = lambda: ledger.transfer(  # noqa: E731
            actor=None, sku=self.skus[s], from_warehouse=self.whs[src], to_warehouse=self.whs[dst],
            quantity=q, from_location=self.loc(src, src_bin), to_location=self.loc(dst, dst_bin))
        if src == dst:
            if src_bin is None or dst_bin is None or src_bin == dst_bin:
                return self.expect_error("same_place", call)
            if self.bins[s, src, src_bin] < q:
                return self.expect_error("insufficient_bin_stock", call, quantity=q)
            call()
            self.bins[s, src, src_bin] -= q
            self.bins[s, dst, dst_bin] += q
            return
        error = self.take_check(s, src, src_bin, q)
        if error:
            return self.expect_error(error, call, quantity=q)
        call()
        self.add(s, src, src_bin, -q)
        self.add(s, dst, dst_bin, q)

    # -- after every step ------------------------------------------------------------------

    @invariant()
    def books_balance(self):
        sku_ids = [sku.pk for sku in self.skus]
        rows = {(r.sku_id, r.warehouse_id): r for r in Stock.objects.filter(sku_id__in=sku_ids)}
        for (s, w), (on_hand, reserved) in self.stock.items():
            row = rows.get((self.skus[s].pk, self.whs[w].pk))
            got = (row.on_hand, row.reserved, row.available) if row else (0, 0, 0)
            assert got == (on_hand, reserved, on_hand - reserved)
            assert on_hand >= reserved >= 0
        bins = dict(((b.sku_id, b.location_id), b.quantity)
                    for b in BinStock.objects.filter(sku_id__in=sku_ids))
        for (s, w, b), quantity in self.bins.items():
            assert bins.get((self.skus[s].pk, self.locs[w][b].pk), 0) == quantity >= 0
        states = dict(Reservation.objects.filter(pk__in=list(self.held))
                      .values_list("pk", "state"))
        assert states == {pk: held[0] for pk, held in self.held.items()}
        assert check_ledger() == []  # the whole table: earlier runs were rolled back


def test_inv1_inv2_random_sequences_keep_the_books_balanced(db):
    run_state_machine_as_test(LedgerMachine, settings=settings(
        max_examples=50, stateful_step_count=30, deadline=None, database=None))
