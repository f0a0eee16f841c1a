"""Reservations per second: ShopOps's ledger.reserve against the same work in raw SQL.

    .venv/bin/python bench/reserve.py [--seconds 5] [--rounds 3] [--procs 1,2] [--skus 20]

Runs against PostgreSQL: the server (and user) of DATABASE_URL, or
postgres://postgres@127.0.0.1:5432 when it is unset, in a database of its own
(`shopops_bench`, --db to change) that it creates, migrates and drops again (--keep to
keep it). It never touches the database DATABASE_URL names.

Each worker process reserves 1 unit at a time, cycling over a pool of SKUs with plenty of
stock, for a fixed number of seconds:
  shopops  ledger.reserve(...) — Django, the conditional UPDATE, the Reservation and Move
           rows, the hook checks; exactly what an order placement calls.
  raw      psycopg by hand: BEGIN; UPDATE inventory_stock … WHERE on_hand - reserved >= 1
           RETURNING id; INSERT the reservation; INSERT the move; COMMIT.
Every round runs each (engine, processes) pair once, interleaved; the table shows the
median of the rounds, and ShopOps as a share of raw. The books must balance afterwards
(check_ledger() == []), raw rows included.
"""

import argparse
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from benchdb import bench_url, django_setup

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

RAW_UPDATE = ("UPDATE inventory_stock SET reserved = reserved + 1 "
              "WHERE sku_id = %s AND warehouse_id = %s AND on_hand - reserved >= 1 RETURNING id")
RAW_RESERVATION = (
    "INSERT INTO inventory_reservation "
    "(sku_id, warehouse_id, quantity, reference, state, expires_at, created_at, closed_at) "
    "VALUES (%s, %s, 1, %s, 'active', NULL, now(), NULL) RETURNING id")
RAW_MOVE = (
    "INSERT INTO inventory_move (at, kind, sku_id, warehouse_id, location_id, on_hand_delta, "
    "reserved_delta, reference, actor_id, counterpart_id, note) "
    "VALUES (now(), 'reserve', %s, %s, NULL, 0, 1, %s, NULL, NULL, '')")


def prepare(url, skus, stock):
    """Migrate, then one warehouse and `skus` SKUs with `stock` units each."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from shopops.catalog.models import Brand, Category, Product, Sku
    from shopops.inventory import ledger
    from shopops.inventory.models import Warehouse

    category = Category.objects.create(name="连衣裙", path="/")
    brand = Brand.objects.create(name="压测")
    warehouse = Warehouse.objects.create(code="bench", name="压测仓")
    ids = []
    for n in range(skus):
        product = Product.objects.create(code=f"B{n:04d}", title=f"压测连衣裙 {n}",
                                         status="active", category=category, brand=brand)
        sku = Sku.objects.create(product=product, code=f"B{n:04d}-01", barcode=f"B{n:011d}",
                                 attributes={"尺码": "M"})
        ledger.receive(actor=None, sku=sku, warehouse=warehouse, quantity=stock)
        ids.append(sku.pk)
    return warehouse.pk, ids


def worker(engine, url, warehouse_id, sku_ids, offset, seconds, ready, start, results):
    if engine == "shopops":
        django_setup(url)
        from shopops.catalog.models import Sku
        from shopops.inventory import ledger
        from shopops.inventory.models import Warehouse

        warehouse = Warehouse.objects.get(pk=warehouse_id)
        skus = list(Sku.objects.filter(pk__in=sku_ids).order_by("pk"))

        def reserve(sku, reference):
            ledger.reserve(actor=None, sku=sku, warehouse=warehouse, quantity=1,
                           reference=reference)
    else:
        import psycopg

        conn = psycopg.connect(url, autocommit=True)
        skus = sorted(sku_ids)

        def reserve(sku_id, reference):
            with conn.transaction():  # BEGIN … COMMIT
                row = conn.execute(RAW_UPDATE, (sku_id, warehouse_id)).fetchone()
                if row is None:
                    raise RuntimeError("out of stock")
                conn.execute(RAW_RESERVATION, (sku_id, warehouse_id, reference))
                conn.execute(RAW_MOVE, (sku_id, warehouse_id, reference))

    pid = os.getpid()
    for i in range(20):  # warm up: connection, imports, prepared statements
        reserve(skus[(offset + i) % len(skus)], f"bench:{engine}:{pid}:w{i}")
    ready.put(pid)
    start.wait()
    count, began = 0, time.perf_counter()
    stop = began + seconds
    while time.perf_counter() < stop:
        reserve(skus[(offset + count) % len(skus)], f"bench:{engine}:{pid}:{count}")
        count += 1
    results.put((count, time.perf_counter() - began))


def run(engine, procs, url, warehouse_id, sku_ids, seconds):
    ctx = multiprocessing.get_context("spawn")  # no Django connection crosses a fork
    ready, start, results = ctx.Queue(), ctx.Event(), ctx.Queue()
    spread = max(1, len(sku_ids) // procs)
    workers = [ctx.Process(target=worker, args=(engine, url, warehouse_id, sku_ids, k * spread,
                                                seconds, ready, start, results))
               for k in range(procs)]
    for w in workers:
        w.start()
    for _ in workers:
        ready.get(timeout=120)
    start.set()
    done = [results.get(timeout=seconds + 120) for _ in workers]
    for w in workers:
        w.join(30)
        if w.exitcode != 0:
            sys.exit(f"{engine} worker failed (exit {w.exitcode})")
    return sum(count for count, _ in done) / max(elapsed for _, elapsed in done)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--procs", default="1,2")
    parser.add_argument("--skus", type=int, default=20)
    parser.add_argument("--db", default="shopops_bench")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()
    procs = [int(p) for p in args.procs.split(",")]
    url, admin_url = bench_url(args.db)

    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{args.db}"')
        admin.execute(f'CREATE DATABASE "{args.db}"')
        server = admin.execute("SHOW server_version").fetchone()[0]
        sync = admin.execute("SHOW synchronous_commit").fetchone()[0]
    try:
        django_setup(url)
        from django.db import connection

        warehouse_id, sku_ids = prepare(url, args.skus, stock=10_000_000)
        connection.close()
        print(f"PostgreSQL {server} (synchronous_commit={sync}) at "
              f"{urlsplit(url).hostname}/{args.db}, {os.cpu_count()} CPUs: {args.skus} SKUs, "
              f"{args.seconds:g} s per run, {args.rounds} rounds (median shown)\n")
        rates = {(engine, p): [] for p in procs for engine in ("shopops", "raw")}
        for _ in range(args.rounds):
            for p in procs:
                for engine in ("shopops", "raw"):
                    rates[engine, p].append(run(engine, p, url, warehouse_id, sku_ids,
                                                args.seconds))
        print(f"{'processes':>9}  {'ShopOps /s':>11}  {'raw SQL /s':>11}  {'ShopOps/raw':>11}"
              "   (range over the rounds: ShopOps | raw)")
        for p in procs:
            ours, raw = rates["shopops", p], rates["raw", p]
            share = statistics.median(ours) / statistics.median(raw)
            print(f"{p:>9}  {statistics.median(ours):>11.0f}  {statistics.median(raw):>11.0f}  "
                  f"{share:>10.0%}    {min(ours):.0f}–{max(ours):.0f} | "
                  f"{min(raw):.0f}–{max(raw):.0f}")

        from shopops.inventory.queries import check_ledger

        problems = check_ledger()
        print(f"\ncheck_ledger(): {'[] — the books balance' if not problems else problems[:5]}")
        connection.close()
    finally:
        if not args.keep:
            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')


if __name__ == "__main__":
    main()
