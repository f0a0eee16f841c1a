"""Queue pages with 100,000 orders: time and queries of each order/warehouse queue page.

    .venv/bin/python bench/queues.py [--orders 100000] [--repeat 5] [--db shopops_bench_q]

Runs against PostgreSQL: the server (and user) of DATABASE_URL, or
postgres://postgres@127.0.0.1:5432 when it is unset, in a database of its own that it
creates, migrates and drops again (--keep to keep it). It never touches the database
DATABASE_URL names.

The orders are written in bulk (not through the actions: this measures reading), spread
over 30 days and over the states of the line the way a busy day leaves them. Each page is
requested in-process with Django's test client as the department manager (who sees every
queue), `--repeat` times after one warm-up; the table shows the median time, the slowest
time and the number of SQL queries, which must not depend on the number of orders
(tests/fulfillment/test_queue_queries.py checks that part).
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

from benchdb import bench_url, django_setup

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

# (state, share) of the 100,000 orders: most of a month's orders are done; a peak day's
# work sits in the queues.
STATES = [("completed", 0.55), ("shipped", 0.15), ("delivered", 0.08), ("paid", 0.06),
          ("reviewed", 0.04), ("printed", 0.03), ("picked", 0.02), ("verified", 0.01),
          ("packed", 0.01), ("on_hold", 0.01), ("cancelled", 0.03), ("pending_payment", 0.01)]

PAGES = [
    ("订单列表", "orders:order_list", ""),
    ("订单列表 · 已付款", "orders:order_list", "?state=paid"),
    ("订单列表 · 搜索收货人", "orders:order_list", "?q=陈静"),
    ("订单列表 · 第 500 页", "orders:order_list", "?page=500"),
    ("审单队列", "fulfillment:review_queue", ""),
    ("审单队列 · 挂起", "fulfillment:review_queue", "?tab=held"),
    ("今日未完成", "fulfillment:end_of_day", ""),
    ("波次", "fulfillment:wave_list", ""),
    ("快递交接", "fulfillment:handover_list", ""),
    ("物流跟踪", "fulfillment:tracking_list", ""),
]


def populate(n):
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from shopops.catalog.models import Brand, Category, Channel, Product, Sku
    from shopops.inventory.models import Warehouse
    from shopops.orders.models import Order, OrderLine

    rng = random.Random(20261111)
    category = Category.objects.create(name="连衣裙", path="/")
    brand = Brand.objects.create(name="压测")
    warehouse = Warehouse.objects.create(code="bench", name="压测仓")
    channels = [Channel.objects.get_or_create(code=c, defaults={"name": name, "kind": kind})[0]
                for c, name, kind in (("tmall", "天猫旗舰店", "taobao"), ("jd", "京东自营", "jd"),
                                      ("b2c", "官网商城", "b2c"))]
    skus = []
    for k in range(50):
        product = Product.objects.create(code=f"Q{k:04d}", title=f"夏季碎花连衣裙 {k}",
                                         status="active", category=category, brand=brand)
        skus.append(Sku.objects.create(product=product, code=f"Q{k:04d}-01",
                                       barcode=f"Q{k:011d}", attributes={"尺码": "M"},
                                       price_fen=19900))
    names = ["陈静", "王芳", "李娜", "张伟", "刘洋", "杨丽", "赵敏", "黄磊", "周杰", "吴霞"]
    cities = [("浙江省", "杭州市"), ("广东省", "深圳市"), ("北京市", "北京市"),
              ("上海市", "上海市"), ("四川省", "成都市"), ("江苏省", "南京市")]
    weights = [share for _, share in STATES]
    now = timezone.now()
    batch = 5000
    for start in range(0, n, batch):
        orders = []
        for i in range(start, min(n, start + batch)):
            state = rng.choices([s for s, _ in STATES], weights)[0]
            created = now - timedelta(minutes=rng.randint(0, 30 * 24 * 60))
            province, city = rng.choice(cities)
            orders.append(Order(
                number=f"DQ{i:08d}", channel=rng.choice(channels), platform_order_no=f"P{i}",
                state=state, customer_name=rng.choice(names),
                customer_phone=f"138{rng.randint(0, 99999999):08d}", province=province,
                city=city, district="西湖区", address_detail=f"文三路 {i % 500} 号",
                warehouse=warehouse, goods_fen=19900, paid_fen=19900, created_at=created,
                paid_at=None if state == "pending_payment" else created + timedelta(minutes=3),
                hold_reason="address" if state == "on_hold" else "",
                held_from="paid" if state == "on_hold" else ""))
        Order.objects.bulk_create(orders, batch_size=batch)
        created = Order.objects.filter(number__in=[o.number for o in orders]).values_list(
            "pk", flat=True)
        OrderLine.objects.bulk_create([
            OrderLine(order_id=pk, sku=rng.choice(skus), title="夏季碎花连衣裙",
                      quantity=rng.randint(1, 3), unit_price_fen=19900) for pk in created],
            batch_size=batch)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(repeat):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone

    from shopops.accounts.models import Role, RoleAssignment, User

    user = User.objects.create_user(username="bench-manager", password="x",
                                    display_name="王建国", password_changed_at=timezone.now())
    RoleAssignment.objects.create(user=user, role=Role.objects.get(code="manager"))
    client = Client()
    client.force_login(user)
    rows = []
    for label, name, query in PAGES:
        try:
            url = reverse(name) + query
        except NoReverseMatch:
            continue
        client.get(url)  # warm-up
        times = []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as ctx:
                began = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - began) * 1000)
            if response.status_code != 200:
                sys.exit(f"{url} answered {response.status_code}")
        rows.append((label, url, statistics.median(times), max(times), len(ctx.captured_queries)))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--db", default="shopops_bench_q")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()
    url, admin_url = bench_url(args.db)

    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{args.db}"')
        admin.execute(f'CREATE DATABASE "{args.db}"')
        server = admin.execute("SHOW server_version").fetchone()[0]
    try:
        django_setup(url)
        began = time.perf_counter()
        populate(args.orders)
        print(f"PostgreSQL {server}, {os.cpu_count()} CPUs: {args.orders:,} orders written in "
              f"{time.perf_counter() - began:.0f} s; each page {args.repeat}× after a warm-up\n")
        print(f"{'page':<24} {'median ms':>10} {'max ms':>8} {'queries':>8}  url")
        for label, url_, median, worst, queries in measure(args.repeat):
            print(f"{label:<24} {median:>10.0f} {worst:>8.0f} {queries:>8}  {url_}")
        from django.db import connection

        connection.close()
    finally:
        if not args.keep:
            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')


if __name__ == "__main__":
    main()
