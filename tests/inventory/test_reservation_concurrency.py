"""INV-2: no overselling under real concurrency. 200 reservation attempts of 1 unit against
100 available, from real threads (each with its own database connection) on SQLite and
PostgreSQL, and from several processes on PostgreSQL: exactly 100 succeed, the rest get
"库存不足", and the books balance. Also: racing creators of a Stock row, opposite
transfers (lock order) and racing release/consume of one reservation."""

import json
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from django.db import connection

from shopops.core.errors import UserError
from shopops.inventory import ledger
from shopops.inventory.models import Move, Reservation, Stock
from shopops.inventory.queries import check_ledger
from tests.factories import make_sku, make_warehouse

REPO = Path(__file__).resolve().parents[2]


def _cap():
    """How many threads may hold a connection at once: PostgreSQL's max_connections (100)
    is shared with other test runs; SQLite connections are free."""
    return 20 if connection.vendor == "postgresql" else 200


def run_threads(n, work):
    """Start n threads together; each runs work(i) with its own connection. Returns
    (results, unexpected exceptions)."""
    start, gate = threading.Barrier(n), threading.BoundedSemaphore(_cap())
    results, errors = [None] * n, []

    def run(i):
        try:
            start.wait(60)
            with gate:
                try:
                    results[i] = work(i)
                finally:
                    connection.close()
        except Exception as exc:  # reported by the caller's assertion
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not any(thread.is_alive() for thread in threads)
    return results, errors


def stocked(quantity):
    sku = make_sku(skus=[{"颜色": "米白"}])
    wh = make_warehouse(name="杭州主仓")
    ledger.receive(actor=None, sku=sku, warehouse=wh, quantity=quantity)
    return sku, wh


def reserve_one(sku, wh, reference):
    try:
        ledger.reserve(actor=None, sku=sku, warehouse=wh, quantity=1, reference=reference)
        return "ok"
    except UserError as exc:
        return exc.code, exc.message


def assert_exactly_100_of_200(sku, wh, outcomes):
    refused = [o for o in outcomes if o != "ok"]
    assert outcomes.count("ok") == 100
    assert refused == [("insufficient_stock", f"库存不足：{sku} 在 杭州主仓 可用 0，需要 1")] * 100
    row = Stock.objects.get(sku=sku, warehouse=wh)
    assert (row.on_hand, row.reserved, row.available) == (100, 100, 0)
    assert Reservation.objects.filter(sku=sku, state="active").count() == 100
    assert Move.objects.filter(sku=sku, kind="reserve").count() == 100
    assert check_ledger() == []


@pytest.mark.django_db(transaction=True)
def test_inv2_200_threads_never_oversell_100_units():
    """On PostgreSQL the conditional UPDATE re-checks the row after waiting for its lock;
    on SQLite IMMEDIATE transactions queue up (busy timeout 30 s): "database is locked"
    never reaches the caller."""
    sku, wh = stocked(100)

    outcomes, errors = run_threads(200, lambda i: reserve_one(sku, wh, f"orders.line:{i}"))

    assert errors == []
    assert_exactly_100_of_200(sku, wh, outcomes)


@pytest.mark.django_db(transaction=True)
def test_inv1_racing_first_receipts_make_one_stock_row():
    sku, wh = make_sku(), make_warehouse()  # no Stock row yet: 30 threads create it at once

    outcomes, errors = run_threads(30, lambda i: ledger.receive(
        actor=None, sku=sku, warehouse=wh, quantity=i + 1).on_hand_delta)

    assert errors == [] and sorted(outcomes) == list(range(1, 31))
    (row,) = Stock.objects.filter(sku=sku)
    assert row.on_hand == sum(range(1, 31)) == 465
    assert check_ledger() == []


@pytest.mark.django_db(transaction=True)
def test_inv4_opposite_transfers_do_not_deadlock():
    """A→B and B→A at once: both lock the two Stock rows in primary-key order."""
    sku = make_sku()
    a, b = make_warehouse(), make_warehouse()
    ledger.receive(actor=None, sku=sku, warehouse=a, quantity=100)
    ledger.receive(actor=None, sku=sku, warehouse=b, quantity=100)

    def move(i):
        src, dst = (a, b) if i % 2 else (b, a)
        for _ in range(5):
            ledger.transfer(actor=None, sku=sku, from_warehouse=src, to_warehouse=dst,
                            quantity=1)
        return "ok"

    outcomes, errors = run_threads(40, move)

    assert errors == [] and outcomes == ["ok"] * 40
    assert sorted(Stock.objects.filter(sku=sku).values_list("on_hand", flat=True)) == [100, 100]
    assert Move.objects.filter(sku=sku, kind="transfer_out").count() == 200
    assert check_ledger() == []


@pytest.mark.django_db(transaction=True)
def test_inv2_racing_release_and_consume_close_a_reservation_once():
    sku, wh = stocked(5)
    held = ledger.reserve(actor=None, sku=sku, warehouse=wh, quantity=2, reference="o:1")

    def close(i):
        try:
            if i % 2:
                ledger.release(actor=None, reservation=held.pk)
            else:
                ledger.consume(actor=None, reservation=held.pk)
            return "done"
        except UserError as exc:
            return exc.code

    outcomes, errors = run_threads(20, close)

    assert errors == []
    state = Reservation.objects.get(pk=held.pk).state
    closing = Move.objects.filter(sku=sku, kind__in=["release", "shipment"])
    assert closing.count() == 1
    row = Stock.objects.get(sku=sku, warehouse=wh)
    if state == "released":
        assert (row.on_hand, row.reserved) == (5, 0)
        assert outcomes[0::2] == ["reservation_released"] * 10  # every consume refused
    else:
        assert (row.on_hand, row.reserved) == (3, 0)
        assert outcomes[1::2] == ["done"] * 10  # the releases were no-ops
        assert outcomes[0::2].count("done") == 1
    assert check_ledger() == []


RESERVE_SCRIPT = textwrap.dedent("""
    import json, os, sys, time
    import django
    os.environ["DJANGO_SETTINGS_MODULE"] = "shopops.settings"
    django.setup()
    from shopops.catalog.models import Sku
    from shopops.core.errors import UserError
    from shopops.inventory import ledger
    from shopops.inventory.models import Warehouse
    sku_id, wh_id, attempts, go = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    sku, wh = Sku.objects.get(pk=sku_id), Warehouse.objects.get(pk=wh_id)
    print("ready", flush=True)
    while not os.path.exists(go):
        time.sleep(0.005)
    outcomes = []
    for i in range(attempts):
        try:
            ledger.reserve(actor=None, sku=sku, warehouse=wh, quantity=1,
                           reference=f"p{os.getpid()}:{i}")
            outcomes.append("ok")
        except UserError as exc:
            outcomes.append([exc.code, exc.message])
    print(json.dumps(outcomes), flush=True)
""")


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_inv2_four_processes_never_oversell_100_units_on_postgresql(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: several processes share one server")
    sku, wh = stocked(100)
    db = connection.settings_dict
    url = (f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
           f"{db['PORT'] or 5432}/{db['NAME']}")
    env = dict(os.environ, DATABASE_URL=url,
               PYTHONPATH=os.pathsep.join([str(REPO / "src"), str(REPO)]))
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", RESERVE_SCRIPT, str(sku.pk), str(wh.pk),
                               "50", str(go)], env=env, cwd=REPO, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(4)]
    try:
        for proc in procs:  # all loaded Django: start them together
            assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
        go.touch()
        outputs = [proc.communicate(timeout=120) for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()

    per_process = []
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        per_process.append([o if o == "ok" else tuple(o) for o in json.loads(out)])
    assert_exactly_100_of_200(sku, wh, [o for outcomes in per_process for o in outcomes])
    assert sum(1 for outcomes in per_process if "ok" in outcomes) >= 2  # they really raced
