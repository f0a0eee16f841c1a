"""Orders per hour through the whole warehouse line, via the service layer, on PostgreSQL.

    .venv/bin/python bench/pipeline.py [--orders 3000] [--procs 1,2] [--pdf-orders 500]

Each worker process gets a warehouse of its own (as a second warehouse or a second shift
on its own zone would) and drives its orders through every step with the real actions,
as the person of each post:

  intake   orders.actions.create_order (paid; platform API intake, the system as actor)
  review   fulfillment run_review_batch (the 10:00/16:00 batch, active rule set v1)
  print    create_waves + print_wave(render=False) + hand_to_picker
  pick     complete_pick
  verify   start_verify(waybill) + scan_item for every unit (auto-finishes)
  pack     pack_order (customer slip ticked, no scale)
  ship     open_handover + scan_parcel for every parcel + close_handover (consumes stock)

in chunks of one wave (setting fulfillment.wave_size, 50). "raw SQL" does the same writes
(the same rows in the same tables, grouped in the same transactions, counted from the
service run) with hand-written psycopg statements and no reads beyond what the writes
need: the ceiling the database itself sets on this machine. The per-table write counts of the
service layer are printed first, so the two can be compared. PDFs are measured apart:
rendering the summary sheet, picking slips and waybills of printed waves.

It creates its own database (`shopops_bench_line`, --db) on the server of DATABASE_URL
(default postgres://postgres@127.0.0.1:5432), migrates it and drops it afterwards
(--keep to keep it). At the end the books must balance (inventory check_ledger() == []).
"""

import argparse
import collections
import multiprocessing
import os
import re
import sys
import time
from pathlib import Path

from benchdb import bench_url, django_setup

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

POSTS = ["reviewer", "printer", "picker", "verifier", "packer"]


def prepare(warehouses, skus_per_wh=20, stock=1_000_000):
    """Migrate; per worker a warehouse with located stock; one person per post."""
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from shopops.accounts.models import Role, RoleAssignment, User
    from shopops.catalog.models import Brand, Category, Channel, Product, Sku
    from shopops.inventory import ledger
    from shopops.inventory.models import Location, Warehouse

    for post in POSTS:
        user = User.objects.create_user(username=f"bench-{post}", password="x",
                                        display_name=post, password_changed_at=timezone.now())
        RoleAssignment.objects.create(user=user, role=Role.objects.get(code=post))
    Channel.objects.get_or_create(code="tmall", defaults={"name": "天猫旗舰店", "kind": "taobao"})
    category = Category.objects.create(name="连衣裙", path="/")
    brand = Brand.objects.create(name="压测")
    skus = []
    for n in range(skus_per_wh):
        product = Product.objects.create(code=f"L{n:04d}", title=f"夏季碎花连衣裙 {n}",
                                         status="active", category=category, brand=brand)
        skus.append(Sku.objects.create(product=product, code=f"L{n:04d}-01",
                                       barcode=f"69{n:011d}", attributes={"尺码": "M"},
                                       price_fen=19900, cost_fen=8000, weight_g=350))
    ids = []
    for w in range(warehouses):
        warehouse = Warehouse.objects.create(code=f"line{w}", name=f"压测仓 {w + 1}")
        for n, sku in enumerate(skus):
            location = Location.objects.create(warehouse=warehouse, code=f"A-{n:02d}-01",
                                               walk_order=n + 1)
            ledger.receive(actor=None, sku=sku, warehouse=warehouse, quantity=stock,
                           location=location, reference="bench:setup")
        ids.append(warehouse.pk)
    return ids


# -- the service layer --------------------------------------------------------------------


class Line:
    """One worker's view of the line: its warehouse, SKUs and people."""

    def __init__(self, warehouse_id, tag):
        from shopops.accounts.models import User
        from shopops.catalog.models import Channel, Sku
        from shopops.inventory.models import Warehouse

        self.warehouse = Warehouse.objects.get(pk=warehouse_id)
        self.channel = Channel.objects.get(code="tmall")
        self.skus = list(Sku.objects.order_by("pk"))
        self.people = {p: User.objects.get(username=f"bench-{p}") for p in POSTS}
        self.tag, self.count = tag, 0

    def intake(self, n):
        from shopops.orders.actions import create_order

        orders = []
        for _ in range(n):
            k = self.count
            self.count += 1
            sku = self.skus[k % len(self.skus)]
            lines = [{"sku": sku, "quantity": 1}]
            if k % 3 == 0:  # a third of the orders have a second item
                lines.append({"sku": self.skus[(k + 7) % len(self.skus)], "quantity": 1})
            orders.append(create_order(
                actor=None, channel=self.channel, lines=lines, warehouse=self.warehouse,
                platform_order_no=f"{self.tag}-{k}", paid=True, customer_name="陈静",
                customer_phone=f"138{k % 100_000_000:08d}", province="浙江省", city="杭州市",
                district="西湖区", address_detail=f"文三路 {k} 号 3 幢 501",
                buyer_message="请尽快发货" if k % 5 == 0 else ""))
        return orders

    def through_the_line(self, orders, render=False):
        from shopops.fulfillment.actions.handover import (
            close_handover,
            open_handover,
            scan_parcel,
        )
        from shopops.fulfillment.actions.packing import pack_order
        from shopops.fulfillment.actions.picking import complete_pick
        from shopops.fulfillment.actions.printing import (
            create_waves,
            hand_to_picker,
            print_wave,
        )
        from shopops.fulfillment.actions.review import run_review_batch
        from shopops.fulfillment.actions.verify import scan_item, start_verify
        from shopops.fulfillment.models import Courier, Slip
        from shopops.orders.models import Order

        p = self.people
        run_review_batch(actor=p["reviewer"], warehouse=self.warehouse)
        waves = create_waves(actor=p["printer"], warehouse=self.warehouse)
        for wave in waves:
            print_wave(actor=p["printer"], wave=wave, render=render)
            hand_to_picker(actor=p["printer"], wave=wave, picker=p["picker"])
            complete_pick(actor=p["picker"], wave=wave)
        ids = [o.pk for o in orders]
        waybills = dict(Slip.objects.filter(order_id__in=ids, state="active")
                        .values_list("order_id", "waybill_no"))
        picked = Order.objects.filter(pk__in=ids, state="picked").prefetch_related(
            "lines__sku")
        shipped = 0
        for order in picked:
            result = start_verify(actor=p["verifier"], code=waybills[order.pk])
            for line in order.lines.all():
                for _ in range(line.quantity):
                    result = scan_item(actor=p["verifier"], session=result.session,
                                       barcode=line.sku.barcode)
            if not result.done:
                raise RuntimeError(f"verification did not finish: {result.message}")
            pack_order(actor=p["packer"], order=order, checklist={"slip": True})
        for courier in Courier.objects.filter(parcels__state="packed",
                                              parcels__warehouse=self.warehouse).distinct():
            handover = open_handover(actor=p["packer"], courier=courier, warehouse=self.warehouse)
            for waybill in handover.parcels.values_list("waybill_no", flat=True):
                scan_parcel(actor=p["packer"], handover=handover, code=waybill)
            close_handover(actor=p["packer"], handover=handover)
            shipped += handover.expected_count
        return shipped


def service_worker(url, warehouse_id, n, chunk, ready, start, results):
    django_setup(url)
    line = Line(warehouse_id, f"S{os.getpid()}")
    line.through_the_line(line.intake(chunk))  # warm up: imports, caches, connections
    ready.put(os.getpid())
    start.wait()
    began, done = time.perf_counter(), 0
    while done < n:
        batch = min(chunk, n - done)
        line.through_the_line(line.intake(batch))
        done += batch
    results.put((done, time.perf_counter() - began))


# -- what the service layer writes, counted --------------------------------------------------

WRITE = re.compile(r'^\s*(INSERT INTO|UPDATE|DELETE FROM)\s+"?(\w+)"?', re.I)


def count_writes(url, warehouse_id, chunk):
    """Run one chunk through the line and count, per table, the write statements and the
    transactions (commits) it took. Returns (per-order writes, per-order commits)."""
    django_setup(url)
    from django.db import connection

    line = Line(warehouse_id, f"C{os.getpid()}")
    line.through_the_line(line.intake(chunk))
    writes = collections.Counter()

    def spy(execute, sql, params, many, context):
        match = WRITE.match(sql)
        if match:
            writes[(match.group(1).split()[0].upper(), match.group(2))] += (
                len(params) if many and params else 1)
        return execute(sql, params, many, context)

    commits = [0]
    original = connection.commit

    def counting_commit(*a, **kw):
        commits[0] += 1
        return original(*a, **kw)

    with connection.execute_wrapper(spy):
        connection.commit = counting_commit
        try:
            line.through_the_line(line.intake(chunk))
        finally:
            connection.commit = original
    return writes, commits[0]


# -- the same writes in raw SQL ----------------------------------------------------------------


def raw_worker(url, warehouse_id, n, chunk, ready, start, results):
    """Hand-written psycopg: per order the rows the line writes (order, line, reservation,
    stock moves, state changes, review decision, wave member, slip, verify session, parcel,
    events, deadlines), grouped in transactions like the service layer: one per order at
    intake, verification and packing, one per wave chunk for review, print, pick and
    handover."""
    import psycopg

    conn = psycopg.connect(url, autocommit=True)
    ids = dict(conn.execute(
        "SELECT username, id FROM accounts_user WHERE username LIKE 'bench-%%'").fetchall())
    channel = conn.execute("SELECT id FROM catalog_channel WHERE code = 'tmall'").fetchone()[0]
    skus = [r[0] for r in conn.execute("SELECT id FROM catalog_sku ORDER BY id").fetchall()]
    courier = conn.execute("SELECT id FROM fulfillment_courier WHERE code = 'zto'").fetchone()[0]
    rule_set = conn.execute(
        "SELECT id FROM fulfillment_reviewruleset WHERE state = 'active'").fetchone()[0]
    pid, counter = os.getpid(), [0]
    raw = RawLine(conn, warehouse_id, channel, skus, courier, rule_set, ids, pid, counter)
    raw.chunk(chunk)
    ready.put(pid)
    start.wait()
    began, done = time.perf_counter(), 0
    while done < n:
        batch = min(chunk, n - done)
        raw.chunk(batch)
        done += batch
    results.put((done, time.perf_counter() - began))


EVENT = ("INSERT INTO core_event (at, actor_id, actor_name, verb, object_type, object_id, "
         "object_repr, summary, changes, data) VALUES (now(), %s, '', %s, 'orders.order', %s, "
         "%s, %s, '{}', %s)")


class RawLine:
    def __init__(self, conn, warehouse, channel, skus, courier, rule_set, people, pid, counter):
        self.c, self.wh, self.channel, self.skus = conn, warehouse, channel, skus
        self.courier, self.rule_set, self.people = courier, rule_set, people
        self.pid, self.counter = pid, counter
        self.bins = dict(conn.execute(
            "SELECT b.sku_id, b.location_id FROM inventory_binstock b JOIN inventory_location l "
            "ON l.id = b.location_id WHERE l.warehouse_id = %s", (warehouse,)).fetchall())

    def x(self, sql, params=()):
        return self.c.execute(sql, params)

    def events(self, verb, rows, actor=None):
        self.c.cursor().executemany(EVENT, [(actor, verb, str(i), n, f"{n} {verb}", "{}")
                                            for i, n in rows])

    def chunk(self, n):
        orders = [self.intake() for _ in range(n)]  # [(order id, number, [(line, sku, res)])]
        p = self.people
        with self.c.transaction():  # review batch
            ids = [o[0] for o in orders]
            self.x("SELECT id FROM orders_order WHERE id = ANY(%s) ORDER BY id FOR UPDATE", [ids])
            self.c.cursor().executemany(
                "INSERT INTO fulfillment_reviewdecision (order_id, rule_set_id, by_id, at, "
                "outcome, reason, rule, message, trace) VALUES (%s, %s, %s, now(), 'passed', "
                "'', '', '', '[]')", [(i, self.rule_set, p["bench-reviewer"]) for i in ids])
            self.c.cursor().executemany(
                "UPDATE orders_order SET state = 'reviewed', reviewed_at = now(), "
                "reviewed_by_id = %s, courier = '中通快递' WHERE id = %s AND state = 'paid'",
                [(p["bench-reviewer"], i) for i in ids])
            self.c.cursor().executemany(
                "UPDATE core_deadline SET state = 'met', closed_at = now() "
                "WHERE subject_type = 'orders.order' AND subject_id = %s AND state = 'pending'",
                [(str(i),) for i in ids])
            self.events("order.reviewed", [(o[0], o[1]) for o in orders], p["bench-reviewer"])
            self.events("deadline.met", [(o[0], o[1]) for o in orders], p["bench-reviewer"])
        with self.c.transaction():  # wave + print + hand over
            wave = self.x("INSERT INTO fulfillment_wave (number, warehouse_id, state, "
                          "created_by_id, created_at, first_printed_at) VALUES (%s, %s, "
                          "'printed', %s, now(), now()) RETURNING id",
                          (f"RW{self.pid}-{self.counter[0]}", self.wh,
                           p["bench-printer"])).fetchone()[0]
            run = self.x("INSERT INTO fulfillment_printrun (number, wave_id, kind, reason, "
                         "printed_by_id, printed_at, order_count, files) VALUES (%s, %s, "
                         "'first', '', %s, now(), %s, '{}') RETURNING id",
                         (f"RP{self.pid}-{self.counter[0]}", wave, p["bench-printer"],
                          n)).fetchone()[0]
            self.c.cursor().executemany(
                "INSERT INTO fulfillment_waveorder (wave_id, order_id, position) "
                "VALUES (%s, %s, %s)", [(wave, o[0], k + 1) for k, o in enumerate(orders)])
            self.c.cursor().executemany(
                "INSERT INTO fulfillment_pickallocation (wave_id, line_id, location_id, "
                "quantity) VALUES (%s, %s, NULL, 1)",
                [(wave, line) for o in orders for line, _, _ in o[2]])
            self.c.cursor().executemany(
                "INSERT INTO fulfillment_slip (order_id, print_run_id, copy_no, courier_id, "
                "waybill_no, state, void_reason) VALUES (%s, %s, 1, %s, %s, 'active', '')",
                [(o[0], run, self.courier, f"RZ{o[1]}") for o in orders])
            self.x("UPDATE orders_order SET state = 'printed', printed_at = now() "
                   "WHERE id = ANY(%s) AND state = 'reviewed'", [ids])
            self.events("order.printed", [(o[0], o[1]) for o in orders], p["bench-printer"])
            self.x("UPDATE fulfillment_wave SET state = 'handed', handed_at = now(), "
                   "picker_id = %s WHERE id = %s", (p["bench-picker"], wave))
        with self.c.transaction():  # pick
            self.x("UPDATE orders_order SET state = 'picked', picked_at = now(), "
                   "picked_by_id = %s WHERE id = ANY(%s) AND state = 'printed'",
                   (p["bench-picker"], ids))
            self.events("order.picked", [(o[0], o[1]) for o in orders], p["bench-picker"])
            self.x("UPDATE fulfillment_wave SET state = 'picked', picked_at = now() "
                   "WHERE id = %s", (wave,))
        parcels = []
        for order_id, number, lines in orders:  # verify, then pack: a transaction each
            with self.c.transaction():
                session = self.x(
                    "INSERT INTO fulfillment_verifysession (order_id, verifier_id, state, "
                    "scanned, rejected, started_at, stop_reason) VALUES (%s, %s, 'open', '{}', "
                    "0, now(), '') RETURNING id", (order_id, p["bench-verifier"])).fetchone()[0]
                self.events("verify.started", [(order_id, number)], p["bench-verifier"])
            for line, _, _ in lines:
                with self.c.transaction():
                    self.x("UPDATE fulfillment_verifysession SET scanned = scanned || "
                           "jsonb_build_object(%s::text, 1) WHERE id = %s", (str(line), session))
            with self.c.transaction():
                self.x("UPDATE fulfillment_verifysession SET state = 'done', finished_at = now() "
                       "WHERE id = %s", (session,))
                self.x("UPDATE orders_order SET state = 'verified', verified_at = now(), "
                       "verified_by_id = %s WHERE id = %s AND state = 'picked'",
                       (p["bench-verifier"], order_id))
                self.events("order.verified", [(order_id, number)], p["bench-verifier"])
            with self.c.transaction():
                parcel = self.x(
                    "INSERT INTO fulfillment_parcel (number, courier_id, waybill_no, "
                    "warehouse_id, state, estimate_g, checklist, packed_by_id, packed_at, "
                    "check_note) VALUES (%s, %s, %s, %s, 'packed', 500, '{\"slip\": true}', %s, "
                    "now(), '') RETURNING id", (f"RB{number}", self.courier, f"RZ{number}",
                                                self.wh, p["bench-packer"])).fetchone()[0]
                self.x("INSERT INTO fulfillment_parcel_orders (parcel_id, order_id) "
                       "VALUES (%s, %s)", (parcel, order_id))
                self.x("UPDATE orders_order SET state = 'packed', packed_at = now() "
                       "WHERE id = %s AND state = 'verified'", (order_id,))
                self.events("parcel.packed", [(order_id, number)], p["bench-packer"])
            parcels.append((parcel, order_id, number, lines))
        with self.c.transaction():  # open the handover, scan each parcel
            handover = self.x(
                "INSERT INTO fulfillment_handover (number, courier_id, warehouse_id, state, "
                "created_by_id, created_at, driver_name, expected_count, scanned, resolution, "
                "pdf) VALUES (%s, %s, %s, 'open', %s, now(), '', %s, '[]', '', '') "
                "RETURNING id", (f"RJ{self.pid}-{self.counter[0]}", self.courier, self.wh,
                                 p["bench-packer"], len(parcels))).fetchone()[0]
            self.x("UPDATE fulfillment_parcel SET handover_id = %s WHERE id = ANY(%s)",
                   (handover, [x[0] for x in parcels]))
        for parcel, *_ in parcels:
            with self.c.transaction():
                self.x("UPDATE fulfillment_handover SET scanned = scanned || to_jsonb(%s::int) "
                       "WHERE id = %s", (parcel, handover))
        with self.c.transaction():  # close: ship, consume the reservations
            for _parcel, _order, number, lines in parcels:
                for _, sku, reservation in lines:
                    self.x("UPDATE inventory_reservation SET state = 'consumed', "
                           "closed_at = now() WHERE id = %s AND state = 'active'", (reservation,))
                    self.x("UPDATE inventory_stock SET on_hand = on_hand - 1, "
                           "reserved = reserved - 1 WHERE sku_id = %s AND warehouse_id = %s "
                           "AND reserved >= 1", (sku, self.wh))
                    self.x("UPDATE inventory_binstock SET quantity = quantity - 1 WHERE "
                           "sku_id = %s AND location_id = %s AND quantity >= 1",
                           (sku, self.bins[sku]))
                    self.x("INSERT INTO inventory_move (at, kind, sku_id, warehouse_id, "
                           "location_id, on_hand_delta, reserved_delta, reference, actor_id, "
                           "counterpart_id, note) VALUES (now(), 'shipment', %s, %s, %s, -1, "
                           "-1, %s, %s, NULL, '')", (sku, self.wh, self.bins[sku],
                                                     f"raw:{number}", p["bench-packer"]))
            self.x("UPDATE fulfillment_parcel SET state = 'shipped', shipped_at = now() "
                   "WHERE id = ANY(%s)", ([x[0] for x in parcels],))
            self.x("UPDATE orders_order SET state = 'shipped', shipped_at = now(), "
                   "tracking_no = 'RZ' || number WHERE id = ANY(%s) AND state = 'packed'", [ids])
            self.events("order.shipped", [(x[1], x[2]) for x in parcels], p["bench-packer"])
            self.events("order.shipping_status_published", [(x[1], x[2]) for x in parcels],
                        p["bench-packer"])
            self.x("UPDATE fulfillment_handover SET state = 'done', closed_at = now() "
                   "WHERE id = %s", (handover,))
        self.counter[0] += 1

    def intake(self):
        seq = self.x("SELECT nextval('shopops_number_dd')").fetchone()[0]
        number = f"RAW{self.pid}-{seq}"
        lines_in = [self.skus[seq % len(self.skus)]]
        if seq % 3 == 0:
            lines_in.append(self.skus[(seq + 7) % len(self.skus)])
        with self.c.transaction():
            order = self.x(
                "INSERT INTO orders_order (number, channel_id, platform_order_no, state, "
                "hold_reason, hold_note, held_from, customer_name, customer_phone, buyer_nick, "
                "province, city, district, address_detail, buyer_message, seller_remark, "
                "invoice_title, gift_card_text, delivery_time, courier, goods_fen, "
                "shipping_fen, discount_fen, paid_fen, warehouse_id, created_at, paid_at, "
                "needs_reprint, tracking_no, intercept, intercept_reason) VALUES (%s, %s, %s, "
                "'paid', '', '', '', '陈静', '13800138000', '', '浙江省', '杭州市', '西湖区', "
                "'文三路 90 号', '', '', '', '', '', '', %s, 0, 0, %s, %s, now(), now(), false, "
                "'', '', '') RETURNING id",
                (number, self.channel, number, 19900 * len(lines_in), 19900 * len(lines_in),
                 self.wh)).fetchone()[0]
            lines = []
            for sku in lines_in:
                line = self.x("INSERT INTO orders_orderline (order_id, sku_id, title, quantity, "
                              "unit_price_fen) VALUES (%s, %s, '夏季碎花连衣裙', 1, 19900) "
                              "RETURNING id", (order, sku)).fetchone()[0]
                if self.x("UPDATE inventory_stock SET reserved = reserved + 1 WHERE sku_id = %s "
                          "AND warehouse_id = %s AND on_hand - reserved >= 1 RETURNING id",
                          (sku, self.wh)).fetchone() is None:
                    raise RuntimeError("out of stock")
                reservation = self.x(
                    "INSERT INTO inventory_reservation (sku_id, warehouse_id, quantity, "
                    "reference, state, created_at) VALUES (%s, %s, 1, %s, 'active', now()) "
                    "RETURNING id", (sku, self.wh, f"orders.orderline:{line}")).fetchone()[0]
                self.x("INSERT INTO inventory_move (at, kind, sku_id, warehouse_id, location_id, "
                       "on_hand_delta, reserved_delta, reference, actor_id, counterpart_id, "
                       "note) VALUES (now(), 'reserve', %s, %s, NULL, 0, 1, %s, NULL, NULL, '')",
                       (sku, self.wh, f"orders.orderline:{line}"))
                self.x("UPDATE orders_orderline SET reservation_id = %s WHERE id = %s",
                       (reservation, line))
                lines.append((line, sku, reservation))
            self.x("INSERT INTO core_deadline (rule, title, subject_type, subject_id, owner_id, "
                   "starts_at, due_at, action, service, params, link, state, fired_by) VALUES "
                   "('ORD-2', %s, 'orders.order', %s, NULL, now(), now() + interval '10 minutes', "
                   "'escalate', '', '{}', '', 'pending', '')", (f"{number} 联系客户确认",
                                                               str(order)))
            self.events("order.created", [(order, number)])
            self.events("deadline.opened", [(order, number)])
        return order, number, lines


# -- PDFs ----------------------------------------------------------------------------------


def pdf_rate(url, orders):
    """Orders per hour for rendering the three PDFs of waves already printed."""
    django_setup(url)
    from shopops.fulfillment.actions.printing import render_print_run
    from shopops.fulfillment.models import PrintRun

    runs, count = [], 0
    for run in PrintRun.objects.order_by("pk"):
        runs.append(run)
        count += run.order_count
        if count >= orders:
            break
    began = time.perf_counter()
    for run in runs:
        render_print_run(run)
    return count, time.perf_counter() - began


# -- driver --------------------------------------------------------------------------------


def run(target, procs, url, warehouses, n, chunk):
    ctx = multiprocessing.get_context("spawn")  # no Django connection crosses a fork
    ready, start, results = ctx.Queue(), ctx.Event(), ctx.Queue()
    workers = [ctx.Process(target=target, args=(url, warehouses[k], n, chunk, ready, start,
                                                results)) for k in range(procs)]
    for w in workers:
        w.start()
    for _ in workers:
        ready.get(timeout=600)
    start.set()
    done = [results.get(timeout=3600) for _ in workers]
    for w in workers:
        w.join(60)
        if w.exitcode != 0:
            sys.exit(f"{target.__name__} failed (exit {w.exitcode})")
    return sum(c for c, _ in done) / max(e for _, e in done) * 3600


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=3000, help="orders per worker process")
    parser.add_argument("--procs", default="1,2")
    parser.add_argument("--pdf-orders", type=int, default=500)
    parser.add_argument("--db", default="shopops_bench_line")
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

        from shopops.core.registry import setting

        warehouses = prepare(max(procs) + 1)
        chunk = int(setting("fulfillment.wave_size"))
        connection.close()
        print(f"PostgreSQL {server} (synchronous_commit={sync}), {os.cpu_count()} CPUs; "
              f"{args.orders} orders per process in waves of {chunk}\n")
        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(1) as pool:
            writes, commits = pool.apply(count_writes, (url, warehouses[-1], chunk))
        per_order = sum(writes.values()) / chunk
        print(f"service layer per order: {per_order:.1f} write statements, "
              f"{commits / chunk:.1f} commits")
        for (verb, table), count in sorted(writes.items(), key=lambda kv: -kv[1]):
            print(f"    {count / chunk:5.2f}  {verb:<6} {table}")
        print()
        print(f"{'processes':>9}  {'ShopOps orders/h':>17}  {'raw SQL orders/h':>17}  "
              f"{'ShopOps/raw':>11}")
        for p in procs:
            ours = run(service_worker, p, url, warehouses, args.orders, chunk)
            raw = run(raw_worker, p, url, warehouses, args.orders, chunk)
            print(f"{p:>9}  {ours:>17,.0f}  {raw:>17,.0f}  {ours / raw:>10.0%}")
        with ctx.Pool(1) as pool:
            count, seconds = pool.apply(pdf_rate, (url, args.pdf_orders))
        print(f"\nPDFs (summary sheet + picking slips + waybills), 1 process: {count} orders in "
              f"{seconds:.1f} s = {count / seconds * 3600:,.0f} orders/h")
        from shopops.inventory.queries import check_ledger

        problems = check_ledger()
        print(f"check_ledger(): {'[] — the books balance' if not problems else problems[:5]}")
        connection.close()
    finally:
        if not args.keep:
            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')


if __name__ == "__main__":
    main()
