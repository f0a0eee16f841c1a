"""The stock ledger (INV-1) and reservations that never oversell (INV-2).

The only code that writes Stock, BinStock, Move and Reservation. Every function is one
transaction (a savepoint when the caller already holds one) and appends the Move rows
that explain its change in that same transaction: the ledger IS the record, so these
building blocks write no core Event rows; the actions that call them (orders, stock
documents) record the business event.

Why it cannot oversell: no function reads a quantity and then writes it. Each change is
one conditional UPDATE (`… SET reserved = reserved + q WHERE … AND on_hand - reserved >= q`)
whose row count says whether it happened, backed by the CHECK constraints on Stock and
BinStock. That holds on PostgreSQL (the UPDATE takes the row lock and re-checks the
condition) and on SQLite (IMMEDIATE transactions serialize writers). A transfer locks
its two Stock rows in primary-key order, and a bin is only touched after its
(sku, warehouse) Stock row, so concurrent moves cannot deadlock.

`sku`, `warehouse` and `location` may be model instances (no extra query) or primary keys.
"""

import importlib
import logging
import sys

from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from shopops.core.errors import UserError

from .models import BinStock, Location, Move, Reservation, Stock, Warehouse
from .queries import sellable_available  # noqa: F401  (part of the ledger's interface)

logger = logging.getLogger("shopops.inventory")

SHORT = "库存不足：{sku} 在 {warehouse} 可用 {available}，需要 {quantity}"
SHORT_EN = "Insufficient stock: {sku} in {warehouse} has {available} available, {quantity} needed"
BIN_SHORT = "库位库存不足：{sku} 在库位 {location} 有 {have}，需要 {quantity}"
BIN_SHORT_EN = "Insufficient bin stock: {sku} at {location} has {have}, {quantity} needed"

_STOCK, _BIN = Stock._meta.db_table, BinStock._meta.db_table
_UPDATE_STOCK = (
    f"UPDATE {_STOCK} SET on_hand = on_hand + %s, reserved = reserved + %s "
    "WHERE sku_id = %s AND warehouse_id = %s AND on_hand - reserved >= %s AND reserved >= %s "
    "RETURNING id, on_hand, reserved, safety_stock, low_alerted, responsible_id"
)
_INSERT_RESERVATION = (
    f"INSERT INTO {Reservation._meta.db_table} (sku_id, warehouse_id, quantity, reference, "
    "state, expires_at, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING id")
_INSERT_MOVE = (
    f"INSERT INTO {Move._meta.db_table} (at, kind, sku_id, warehouse_id, location_id, "
    "on_hand_delta, reserved_delta, reference, actor_id, counterpart_id, note) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)")
_UPDATE_BIN = (f"UPDATE {_BIN} SET quantity = quantity + %s "
               "WHERE sku_id = %s AND location_id = %s AND quantity >= %s")

RECEIVE_KINDS = {Move.Kind.RECEIPT, Move.Kind.RETURN, Move.Kind.TRANSFER_IN}
ISSUE_KINDS = {Move.Kind.SHIPMENT, Move.Kind.TRANSFER_OUT}


# -- public interface --------------------------------------------------------------------


@transaction.atomic
def reserve(*, actor, sku, warehouse, quantity, reference, expires_at=None) -> Reservation:
    """Hold `quantity` available units for an order line. The hot path (every order line):
    one conditional UPDATE and two INSERTs on one cursor, nothing read first and no ORM
    model machinery, so it costs little more than the same SQL written by hand
    (bench/reserve.py)."""
    quantity = _positive(quantity)
    sku_id, warehouse_id = _pk(sku), _pk(warehouse)
    now = timezone.now()
    at, expires = _db_time(now), _db_time(expires_at)
    with connection.cursor() as cursor:
        cursor.execute(_UPDATE_STOCK, [0, quantity, sku_id, warehouse_id, quantity, 0])
        row = cursor.fetchone()
        if row is None:
            _raise_short(sku, warehouse, quantity)
        cursor.execute(_INSERT_RESERVATION, [sku_id, warehouse_id, quantity, reference,
                                             Reservation.State.ACTIVE, expires, at])
        reservation_id = cursor.fetchone()[0]
        cursor.execute(_INSERT_MOVE, [at, Move.Kind.RESERVE, sku_id, warehouse_id, None, 0,
                                      quantity, reference, _pk(actor), None, ""])
    _after([_Changed(row, sku, warehouse_id, reserved=quantity)], actor)
    reservation = Reservation(
        pk=reservation_id, sku_id=sku_id, warehouse_id=warehouse_id, quantity=quantity,
        reference=reference, state=Reservation.State.ACTIVE, expires_at=expires_at,
        created_at=now)
    reservation._state.adding, reservation._state.db = False, connection.alias
    return reservation


def release(*, actor, reservation, note="") -> None:
    """Give the units back to available. Releasing a closed reservation does nothing."""
    _release(actor=actor, reservation=reservation, note=note)


@transaction.atomic
def consume(*, actor, reservation, location=None, counterpart=None) -> Move:
    """Ship reserved goods: on hand and reserved both drop by the reservation's quantity."""
    reservation = _reservation(reservation)
    if not _close(reservation, Reservation.State.CONSUMED):
        if reservation.state == Reservation.State.RELEASED:
            raise UserError("reservation_released", "占用已释放",
                            "The reservation has already been released")
        raise UserError("reservation_consumed", "占用已出库",
                        "The reservation has already been shipped")
    q, sku_id, warehouse_id = reservation.quantity, reservation.sku_id, reservation.warehouse_id
    _check_location(location, warehouse_id)
    row = _change(sku_id, warehouse_id, on_hand=-q, reserved=-q, need_reserved=q)
    if row is None:  # only a corrupted Stock row can get here
        raise IntegrityError(f"stock of reservation {reservation.pk} holds less than {q}")
    if location is not None:
        _take_bin(reservation.sku_id, location, q, sku=reservation.sku_id)
    move = _move(Move.Kind.SHIPMENT, actor, sku_id, warehouse_id, on_hand=-q, reserved=-q,
                 location=location, reference=reservation.reference, counterpart=counterpart)
    _after([_Changed(row, sku_id, warehouse_id, on_hand=-q, reserved=-q)], actor)
    return move


@transaction.atomic
def receive(*, actor, sku, warehouse, quantity, location=None, reference="", counterpart=None,
            note="", kind="receipt") -> Move:
    if kind not in RECEIVE_KINDS:
        raise ValueError(f"receive kind must be one of {sorted(RECEIVE_KINDS)}, not {kind!r}")
    quantity = _positive(quantity)
    return _add(actor, kind, sku, warehouse, quantity, location, reference, counterpart, note)


@transaction.atomic
def issue(*, actor, sku, warehouse, quantity, location=None, reference="", counterpart=None,
          note="", kind="shipment") -> Move:
    """Take units that nobody has reserved (reserved goods leave through consume)."""
    if kind not in ISSUE_KINDS:
        raise ValueError(f"issue kind must be one of {sorted(ISSUE_KINDS)}, not {kind!r}")
    quantity = _positive(quantity)
    return _take(actor, kind, sku, warehouse, quantity, location, reference, counterpart, note)


@transaction.atomic
def adjust(*, actor, sku, warehouse, delta, location=None, reference="", note="") -> Move:
    """A stocktake correction. A negative delta can only remove unreserved units."""
    if isinstance(delta, bool) or not isinstance(delta, int) or delta == 0:
        raise _bad_quantity(delta)
    if delta > 0:
        return _add(actor, Move.Kind.ADJUST, sku, warehouse, delta, location, reference, None, note)
    return _take(actor, Move.Kind.ADJUST, sku, warehouse, -delta, location, reference, None, note)


@transaction.atomic
def transfer(*, actor, sku, from_warehouse, to_warehouse, quantity, from_location=None,
             to_location=None, reference="", counterpart=None) -> tuple[Move, Move]:
    """Move units from one warehouse (or bin) to another: a transfer_out and a
    transfer_in Move. Between warehouses only available units leave; inside one
    warehouse (bin to bin) the totals do not change and only the bins move."""
    quantity = _positive(quantity)
    sku_id, from_id, to_id = _pk(sku), _pk(from_warehouse), _pk(to_warehouse)
    _check_location(from_location, from_id)
    _check_location(to_location, to_id)
    if from_id == to_id and (from_location is None or to_location is None
                             or _pk(from_location) == _pk(to_location)):
        raise UserError("same_place", "调出和调入不能是同一个仓库或库位",
                        "The source and destination must differ")
    changed = []
    if from_id == to_id:
        # Totals stay; this no-op UPDATE takes the Stock row lock that orders bin writes.
        _change(sku_id, from_id)
    else:
        _ensure_stock(sku_id, to_id)
        pks = dict(Stock.objects.filter(sku_id=sku_id, warehouse_id__in=[from_id, to_id])
                   .values_list("warehouse_id", "pk"))
        if from_id not in pks:
            _raise_short(sku, from_warehouse, quantity)
        steps = sorted([(pks[from_id], from_id, -quantity), (pks[to_id], to_id, quantity)])
        for _, warehouse_id, delta in steps:  # fixed lock order: by primary key
            row = _change(sku_id, warehouse_id, on_hand=delta, need_available=max(0, -delta))
            if row is None:
                _raise_short(sku, from_warehouse, quantity)
            changed.append(_Changed(row, sku, warehouse_id, on_hand=delta))
    if from_location is not None:
        _take_bin(sku_id, from_location, quantity, sku=sku)
    if to_location is not None:
        _add_bin(sku_id, to_location, quantity)
    out = _move(Move.Kind.TRANSFER_OUT, actor, sku_id, from_id, on_hand=-quantity,
                location=from_location, reference=reference, counterpart=counterpart)
    into = _move(Move.Kind.TRANSFER_IN, actor, sku_id, to_id, on_hand=quantity,
                 location=to_location, reference=reference, counterpart=counterpart)
    _after(changed, actor)
    return out, into


def stock_for(sku, warehouse) -> Stock:
    """The Stock row of a SKU in a warehouse, created (all zero) if it does not exist."""
    sku_id, warehouse_id = _pk(sku), _pk(warehouse)
    try:
        return Stock.objects.get(sku_id=sku_id, warehouse_id=warehouse_id)
    except Stock.DoesNotExist:
        _ensure_stock(sku_id, warehouse_id)
        return Stock.objects.get(sku_id=sku_id, warehouse_id=warehouse_id)


def release_expired(*, now=None, actor=None) -> int:
    """Release every active reservation whose expires_at has passed (unpaid orders).
    Each in its own transaction, so one bad row does not hold back the rest.
    Returns how many this call released."""
    now = now or timezone.now()
    released, last = 0, 0
    while True:
        # reservation_expiry_idx (state, expires_at) finds them.
        batch = list(Reservation.objects.filter(
            state=Reservation.State.ACTIVE, expires_at__lte=now, pk__gt=last)
            .order_by("pk")[:200])
        if not batch:
            return released
        for reservation in batch:
            last = reservation.pk
            try:
                if _release(actor=actor, reservation=reservation, note="占用到期自动释放"):
                    released += 1
            except Exception:
                logger.exception("could not release expired reservation %s", reservation.pk)


def register_jobs():
    """Called from InventoryConfig.ready(): expired reservations go back every tick."""
    from shopops.core.periodic import every_seconds, register_periodic

    register_periodic("inventory.release_expired",
                      next_run=every_seconds("ops.scheduler_tick_seconds"),
                      run=lambda: release_expired(actor=None))


# -- building blocks ----------------------------------------------------------------------


@transaction.atomic
def _release(*, actor, reservation, note) -> bool:
    reservation = _reservation(reservation)
    if not _close(reservation, Reservation.State.RELEASED):
        return False
    q, sku_id, warehouse_id = reservation.quantity, reservation.sku_id, reservation.warehouse_id
    row = _change(sku_id, warehouse_id, reserved=-q, need_reserved=q)
    if row is None:
        raise IntegrityError(f"stock of reservation {reservation.pk} holds less than {q}")
    _move(Move.Kind.RELEASE, actor, sku_id, warehouse_id, reserved=-q,
          reference=reservation.reference, note=note)
    _after([_Changed(row, sku_id, warehouse_id, reserved=-q)], actor)
    return True


def _close(reservation, state) -> bool:
    """active → released/consumed with a conditional UPDATE: of two concurrent closers
    exactly one wins. On losing, `reservation.state` shows who won."""
    now = timezone.now()
    won = Reservation.objects.filter(pk=reservation.pk, state=Reservation.State.ACTIVE).update(
        state=state, closed_at=now)
    if won:
        reservation.state, reservation.closed_at = state, now
    else:
        reservation.refresh_from_db(fields=["state", "closed_at"])
    return bool(won)


def _add(actor, kind, sku, warehouse, quantity, location, reference, counterpart, note):
    sku_id, warehouse_id = _pk(sku), _pk(warehouse)
    _check_location(location, warehouse_id)
    row = _change(sku_id, warehouse_id, on_hand=quantity)
    if row is None:
        _ensure_stock(sku_id, warehouse_id)
        row = _change(sku_id, warehouse_id, on_hand=quantity)
    if location is not None:
        _add_bin(sku_id, location, quantity)
    move = _move(kind, actor, sku_id, warehouse_id, on_hand=quantity, location=location,
                 reference=reference, counterpart=counterpart, note=note)
    _after([_Changed(row, sku, warehouse_id, on_hand=quantity)], actor)
    return move


def _take(actor, kind, sku, warehouse, quantity, location, reference, counterpart, note):
    sku_id, warehouse_id = _pk(sku), _pk(warehouse)
    _check_location(location, warehouse_id)
    row = _change(sku_id, warehouse_id, on_hand=-quantity, need_available=quantity)
    if row is None:
        _raise_short(sku, warehouse, quantity)
    if location is not None:
        _take_bin(sku_id, location, quantity, sku=sku)
    move = _move(kind, actor, sku_id, warehouse_id, on_hand=-quantity, location=location,
                 reference=reference, counterpart=counterpart, note=note)
    _after([_Changed(row, sku, warehouse_id, on_hand=-quantity)], actor)
    return move


def _change(sku_id, warehouse_id, *, on_hand=0, reserved=0, need_available=0, need_reserved=0):
    """The one conditional UPDATE every change goes through. Returns the new row values
    (id, on_hand, reserved, safety_stock, low_alerted, responsible_id), or None when the
    row is missing or the condition failed — then nothing changed."""
    with connection.cursor() as cursor:
        cursor.execute(_UPDATE_STOCK, [on_hand, reserved, sku_id, warehouse_id, need_available,
                                       need_reserved])
        return cursor.fetchone()


def _ensure_stock(sku_id, warehouse_id):
    """Create the zero row if missing. Two creators may race: the loser's INSERT fails on
    the unique constraint inside its own savepoint and the row the winner made is used."""
    if Stock.objects.filter(sku_id=sku_id, warehouse_id=warehouse_id).exists():
        return
    from shopops.core.registry import setting

    try:
        with transaction.atomic():
            Stock.objects.create(sku_id=sku_id, warehouse_id=warehouse_id,
                                 safety_stock=setting("inventory.default_safety_stock"))
    except IntegrityError:
        if not Stock.objects.filter(sku_id=sku_id, warehouse_id=warehouse_id).exists():
            raise  # not the race: a real integrity problem (e.g. unknown SKU)


def _add_bin(sku_id, location, quantity):
    location_id = _pk(location)
    with connection.cursor() as cursor:
        cursor.execute(_UPDATE_BIN, [quantity, sku_id, location_id, 0])
        if cursor.rowcount:
            return
    try:
        with transaction.atomic():
            BinStock.objects.create(sku_id=sku_id, location_id=location_id, quantity=quantity)
    except IntegrityError:  # created concurrently: add to that row
        with connection.cursor() as cursor:
            cursor.execute(_UPDATE_BIN, [quantity, sku_id, location_id, 0])
            if not cursor.rowcount:
                raise


def _take_bin(sku_id, location, quantity, *, sku):
    location_id = _pk(location)
    with connection.cursor() as cursor:
        cursor.execute(_UPDATE_BIN, [-quantity, sku_id, location_id, quantity])
        if cursor.rowcount:
            return
    have = (BinStock.objects.filter(sku_id=sku_id, location_id=location_id)
            .values_list("quantity", flat=True).first()) or 0
    location = location if isinstance(location, Location) else Location.objects.get(pk=location)
    raise UserError("insufficient_bin_stock", BIN_SHORT, BIN_SHORT_EN, sku=_obj(sku, "sku"),
                    location=location.code, have=have, quantity=quantity)


def _move(kind, actor, sku_id, warehouse_id, *, on_hand=0, reserved=0, location=None,
          reference="", counterpart=None, note="") -> Move:
    return Move.objects.create(
        kind=kind, sku_id=sku_id, warehouse_id=warehouse_id, location_id=_pk(location),
        on_hand_delta=on_hand, reserved_delta=reserved, reference=reference,
        actor_id=_pk(actor), counterpart_id=_pk(counterpart), note=note)


def _raise_short(sku, warehouse, quantity):
    available = (Stock.objects.filter(sku_id=_pk(sku), warehouse_id=_pk(warehouse))
                 .values_list(models.F("on_hand") - models.F("reserved"), flat=True).first())
    raise UserError("insufficient_stock", SHORT, SHORT_EN, sku=_obj(sku, "sku"),
                    warehouse=_obj(warehouse, "warehouse"), available=available or 0,
                    quantity=quantity)


def _check_location(location, warehouse_id):
    if location is None:
        return
    location = location if isinstance(location, Location) else Location.objects.get(pk=location)
    if location.warehouse_id != warehouse_id:
        raise UserError("location_not_in_warehouse", "库位 {location} 不属于该仓库",
                        "Location {location} is not in that warehouse", location=location.code)


# -- after a change: low-stock alerts and channel listings ---------------------------------


class _Changed:
    """A Stock row as the UPDATE returned it, and how it moved."""

    __slots__ = ("row", "sku", "warehouse_id", "on_hand", "reserved")

    def __init__(self, row, sku, warehouse_id, *, on_hand=0, reserved=0):
        self.row, self.sku, self.warehouse_id = row, sku, warehouse_id
        self.on_hand, self.reserved = on_hand, reserved

    def crossed(self):
        """(alerts matter, listings matter). Available moving across the safety stock or
        zero can change an alert or a listing; any on_hand change may matter to alerts."""
        _, on_hand, reserved, safety, _, _ = self.row
        after = on_hand - reserved
        before = after - (self.on_hand - self.reserved)
        low, high = min(before, after), max(before, after)
        zero = before != after and low == 0
        return zero or low <= safety <= high or self.on_hand != 0, zero

    def stock(self):
        pk, on_hand, reserved, safety, low_alerted, responsible_id = self.row
        stock = Stock(pk=pk, sku_id=_pk(self.sku), warehouse_id=self.warehouse_id,
                      on_hand=on_hand, reserved=reserved, safety_stock=safety,
                      low_alerted=bool(low_alerted), responsible_id=responsible_id)
        stock._state.adding, stock._state.db = False, "default"
        return stock


_HOOKS = {"alerts": ("shopops.inventory.alerts", "stock_changed"),
          "listings": ("shopops.catalog.actions.listing", "stock_changed")}
_MISSING: set[str] = set()


def _hook(which):
    """The hook function, or None while the module that provides it does not exist yet."""
    module_name, name = _HOOKS[which]
    module = sys.modules.get(module_name)
    if module is None:
        if module_name in _MISSING:
            return None
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name is None or not (module_name + ".").startswith(exc.name + "."):
                raise  # the hook module exists but is broken: do not hide that
            _MISSING.add(module_name)
            return None
    return getattr(module, name, None)


def _after(changes, actor):
    alerts, listings = [], []
    for change in changes:
        alert, listing = change.crossed()
        if alert:
            alerts.append(change.stock())
        if listing:
            listings.append(change.sku)
    if alerts and (hook := _hook("alerts")):
        hook(stocks=alerts, actor=actor)
    if listings and (hook := _hook("listings")):
        hook(product_ids=_product_ids(listings), actor=actor)


def _product_ids(skus):
    from shopops.catalog.models import Sku

    known = {s.product_id for s in skus if isinstance(s, Sku)}
    ids = [s for s in skus if not isinstance(s, Sku)]
    if ids:
        known.update(Sku.objects.filter(pk__in=ids).values_list("product_id", flat=True))
    return sorted(known)


# -- small helpers ---------------------------------------------------------------------------


def _pk(value):
    if value is None or isinstance(value, int):
        return value
    return value.pk


def _obj(value, what):
    if isinstance(value, models.Model):
        return value
    if what == "sku":
        from shopops.catalog.models import Sku

        return Sku.objects.get(pk=value)
    return Warehouse.objects.get(pk=value)


def _db_time(value):
    return connection.ops.adapt_datetimefield_value(value)


def _reservation(reservation) -> Reservation:
    if isinstance(reservation, Reservation):
        return reservation
    return Reservation.objects.get(pk=reservation)


def _positive(quantity):
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
        raise _bad_quantity(quantity)
    return quantity


def _bad_quantity(quantity):
    return UserError("invalid_quantity", "数量必须是正整数：{quantity}",
                     "The quantity must be a positive whole number: {quantity}",
                     quantity=quantity)
