"""The shop and the chat under load: concurrent shoppers and chat conversations against a
production-style server on PostgreSQL (issue 5).

    .venv/bin/pip install -e '.[bench]'          # locust
    .venv/bin/python bench/shop_load.py [--shoppers 60] [--chats 20] [--agents 4]
                                        [--minutes 3] [--workers 2] [--keep]

What runs:

* a scratch database (`shopops_bench_shop`, `--db`) on the PostgreSQL server of
  DATABASE_URL (postgres://postgres@127.0.0.1:5432 when unset): dropped, created,
  migrated and loaded with the demo (catalog, the shop's listings, staff), then
  `--shoppers` shop customers with accounts and an address, `--agents` chat agents, the
  chat's service hours set to the whole day and every listed SKU given enough stock for
  the run (a ledger receipt per SKU, so the books still balance);
* the server the way production runs it: uvicorn with `--workers` processes, fan-out of
  the live streams through Redis (SHOPOPS_REDIS_URL, redis://127.0.0.1:6379/14 unless
  --redis says otherwise), DEBUG off;
* locust, headless, in one process on the same machine (bench/locustfile_shop.py): the
  shoppers browse, search 连衣裙, add to the cart, check out and pay in the sandbox; the
  chat visitors start conversations, keep the live stream open and write every few
  seconds; the agents take waiting conversations from the queue and answer.

It prints locust's table per request (count, failures, median, p95) and the summary per
group that bench/README.md records. The database is dropped afterwards unless --keep.
"""

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchdb import bench_url, django_setup

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
PASSWORD = "Bench@2026"


def recreate(admin_url, name, drop_only=False):
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


def seed(args, url, home):
    """Demo data plus the bench's customers and agents; returns what locust needs."""
    django_setup(url)
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    t0 = time.monotonic()
    from shopops.ops.demo import load_demo

    load_demo()
    print(f"演示数据 demo loaded in {time.monotonic() - t0:.0f} s", flush=True)

    from shopops.accounts import actions as staff_accounts
    from shopops.accounts.models import User
    from shopops.catalog.models import Listing
    from shopops.core.actions.settings import change_setting
    from shopops.inventory import ledger
    from shopops.orders.actions.intake import default_warehouse
    from shopops.storefront.actions import accounts
    from shopops.storefront.channel import shop_channel

    admin = User.objects.get(username="sysadmin")
    # The whole day is service time, so the chat is live whenever the bench runs.
    change_setting(actor=admin, key="service.chat_opens", raw_value="00:00")
    change_setting(actor=admin, key="service.chat_closes", raw_value="00:00")

    channel = shop_channel()
    warehouse = default_warehouse()
    listed = list(Listing.objects.filter(channel=channel, state=Listing.State.LISTED)
                  .select_related("product").order_by("product_id"))
    skus, products, categories = [], [], set()
    for listing in listed:
        product = listing.product
        live = [s for s in product.skus.filter(active=True).order_by("pk")]
        if not live:
            continue
        products.append(product.pk)
        categories.add(product.category_id)
        for sku in live:
            ledger.receive(actor=admin, sku=sku, warehouse=warehouse, quantity=50_000,
                           reference="压测备货 bench stock")
            skus.append([product.pk, sku.pk])

    # One hash for every bench password: hashing is what the server pays at sign-in, not
    # what the seeding should spend minutes on.
    hashed = make_password(PASSWORD)
    original, accounts.make_password = accounts.make_password, lambda _raw: hashed
    try:
        customers = []
        for i in range(args.shoppers):
            mobile = f"139{88000000 + i:08d}"
            account = accounts.register_customer(mobile=mobile, name=f"压测顾客{i + 1:03d}",
                                                 password=PASSWORD, channel=channel)
            address = accounts.add_address(
                actor=None, customer=account.customer, make_default=True,
                values={"recipient": f"压测顾客{i + 1:03d}", "phone": mobile,
                        "province": "浙江省", "city": "杭州市", "district": "西湖区",
                        "detail": f"文三路 {100 + i} 号"})
            customers.append([mobile, address.pk])
    finally:
        accounts.make_password = original

    agents = []
    boss = User.objects.get(username="cs_supervisor")
    for i in range(args.agents):
        username = f"bench_cs{i + 1:02d}"
        user, _ = staff_accounts.create_staff(
            actor=admin, username=username, display_name=f"压测客服{i + 1:02d}",
            employee_no=f"B{i + 1:03d}", supervisor=boss, roles=["presale_cs"])
        user.password = hashed
        user.must_change_password = False
        user.password_changed_at = timezone.now()
        user.save(update_fields=["password", "must_change_password", "password_changed_at"])
        agents.append(username)
    plan = {"password": PASSWORD, "customers": customers, "agents": agents, "skus": skus,
            "products": products, "categories": sorted(categories)}
    path = Path(home) / "plan.json"
    path.write_text(json.dumps(plan))
    print(f"准备 seeded: {len(products)} products / {len(skus)} SKUs listed, "
          f"{len(customers)} customers, {len(agents)} agents", flush=True)
    return path


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port, proc, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"server exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    sys.exit("server did not start")


GROUPS = {"shop": "商城顾客 shoppers", "chat": "在线咨询的访客 chat visitors",
          "agent": "客服工作台 agents", "signin": "登录 sign-ins (once per user)",
          "delivery": "回复送达访客 agent's reply reaching the visitor's stream"}


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def summarise(groups_file, seconds):
    """The README table: per group, requests, failures, error rate, median and p95 over
    every request of the group (exact, from the response times locust collected)."""
    data = json.loads(Path(groups_file).read_text())
    print("\n| 组 group | 请求 requests | 每秒 req/s | 失败 failures | 错误率 error rate "
          "| 中位 median | p95 |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for group, times in data["times"].items():
        failed = data["failures"].get(group, 0)
        label = GROUPS.get(group, group)
        print(f"| {label} | {len(times)} | {len(times) / seconds:.1f} | {failed} | "
              f"{100 * failed / max(len(times), 1):.2f} % | {percentile(times, 0.5):.0f} ms | "
              f"{percentile(times, 0.95):.0f} ms |")


def warm_up(port):
    """A few requests per worker first, so the first users do not pay for imports."""
    import urllib.request

    for _ in range(6):
        for path in ("/shop/", "/shop/search/?q=%E8%BF%9E%E8%A1%A3%E8%A3%99", "/accounts/login/"):
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30).read()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shoppers", type=int, default=60)
    parser.add_argument("--chats", type=int, default=20)
    parser.add_argument("--agents", type=int, default=4)
    parser.add_argument("--minutes", type=float, default=3)
    parser.add_argument("--spawn-rate", type=float, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--db", default="shopops_bench_shop")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    url, admin_url = bench_url(args.db)
    home = tempfile.mkdtemp(prefix="shopops-bench-shop-")
    recreate(admin_url, args.db)
    env = dict(os.environ, DATABASE_URL=url, SHOPOPS_HOME=home, SHOPOPS_REDIS_URL=args.redis,
               SHOPOPS_DEBUG="0")
    os.environ.update(env)
    server = None
    try:
        plan = seed(args, url, home)
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "shopops.asgi:application", "--host",
             "127.0.0.1", "--port", str(port), "--workers", str(args.workers),
             "--log-level", "warning", "--no-access-log"], env=env, cwd=REPO,
            start_new_session=True)
        wait_for(port, server)
        warm_up(port)
        prefix = str(Path(home) / "locust")
        users = args.shoppers + args.chats + args.agents
        print(f"locust: {args.shoppers} shoppers + {args.chats} chat visitors + "
              f"{args.agents} agents for {args.minutes:g} min against "
              f"{args.workers} uvicorn workers", flush=True)
        subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(REPO / "bench" / "locustfile_shop.py"),
             "--headless", "-u", str(users), "-r", str(args.spawn_rate),
             "-t", f"{int(args.minutes * 60)}s", "--host", f"http://127.0.0.1:{port}",
             "--csv", prefix, "--only-summary", "--stop-timeout", "10"],
            env=dict(env, BENCH_PLAN=str(plan), BENCH_GROUPS=f"{prefix}_groups.json", BENCH_SHOPPERS=str(args.shoppers),
                     BENCH_CHATS=str(args.chats), BENCH_AGENTS=str(args.agents)),
            cwd=REPO, check=False)
        summarise(f"{prefix}_groups.json", args.minutes * 60)
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        from django.db import connections

        connections.close_all()
        if not args.keep:
            recreate(admin_url, args.db, drop_only=True)


if __name__ == "__main__":
    main()
