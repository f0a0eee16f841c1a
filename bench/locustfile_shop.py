"""Locust users for bench/shop_load.py (which seeds the data and starts the server; see it).

Three kinds of users, their numbers fixed by BENCH_SHOPPERS, BENCH_CHATS, BENCH_AGENTS:

* Shopper — signs in (a seeded customer each), then visit after visit: home page, search
  连衣裙, a category, two product pages, and in one visit of two: add to cart, cart,
  checkout page, place the order, pay in the sandbox, my orders. 1–3 s between pages.
* ChatVisitor — an anonymous visitor: opens the shop, starts a conversation, keeps its
  live stream (server-sent events) open, writes every 3–8 s, fetches the new messages
  when the stream says something arrived (as the widget does), ends after 4 messages.
  The time from the agent's reply to its arrival on the visitor's stream is reported
  as "delivery 回复送达 reply delivered".
* Agent — a chat agent signed in to the console: every second takes a waiting
  conversation, and answers each of theirs whose last word is the customer's.

Request names start with the group the summary adds up: "shop", "chat", "agent",
"signin" (each user once, at the start) and "delivery".
"""

import itertools
import json
import os
import random
import re
import time
from pathlib import Path

import gevent
from locust import HttpUser, between, events, task

PLAN = json.loads(open(os.environ["BENCH_PLAN"]).read())
CUSTOMERS = itertools.count()
AGENTS = itertools.count()
STAMP = re.compile(r"\[t=(\d+\.\d+)\]")
WAITING = re.compile(r'data-testid="waiting-(\d+)"')
MINE = re.compile(r'data-testid="mine-(\d+)".*?</a>', re.S)
QUESTIONS = ["你好，请问这款连衣裙有 M 码吗？", "我身高 165，体重 52 公斤，穿什么码合适？",
             "今天下单什么时候能发货？", "可以开发票吗？", "有没有满减活动？"]
ANSWERS = ["您好，有的，M 码现货充足，请您放心下单。", "建议您选 M 码，版型偏修身。",
           "下午四点前付款当天发货，请您留意物流信息。", "可以开具电子发票，请在订单备注里写上抬头。",
           "目前全店满 299 减 30，请您结算时查看优惠。"]


# Every response time by group (the first word of the request's name), for exact
# percentiles per group at the end (locust's CSV has them per request name only).
TIMES: dict[str, list[float]] = {}
FAILURES: dict[str, int] = {}


@events.request.add_listener
def _collect(name, response_time, exception, **_kwargs):
    group = name.split(" ", 1)[0]
    TIMES.setdefault(group, []).append(response_time)
    if exception is not None:
        FAILURES[group] = FAILURES.get(group, 0) + 1


@events.quitting.add_listener
def _write_groups(**_kwargs):
    out = os.environ.get("BENCH_GROUPS")
    if out:
        Path(out).write_text(json.dumps({"times": TIMES, "failures": FAILURES}))


def csrf(client):
    return {"X-CSRFToken": client.cookies.get("csrftoken", "")}


def expect(response, ok, why):
    """catch_response helper: a 200 page is not enough, the page must say it worked."""
    if response.status_code >= 400 or not ok(response):
        response.failure(f"{why}: HTTP {response.status_code} {response.url}")
    else:
        response.success()


class Shopper(HttpUser):
    fixed_count = int(os.environ.get("BENCH_SHOPPERS", "60"))
    wait_time = between(1, 3)

    def on_start(self):
        mobile, self.address = PLAN["customers"][next(CUSTOMERS) % len(PLAN["customers"])]
        self.client.get("/shop/login/", name="signin 商城登录页 shop login page")
        with self.client.post("/shop/login/", {"mobile": mobile, "password": PLAN["password"]},
                              headers=csrf(self.client), name="signin 顾客登录 customer signs in",
                              catch_response=True) as r:
            expect(r, lambda r: "/shop/login/" not in r.url, "not signed in")

    def pause(self):
        time.sleep(random.uniform(1, 3))

    @task
    def visit(self):
        c = self.client
        c.get("/shop/", name="shop 首页 home")
        self.pause()
        with c.get("/shop/search/?q=连衣裙", name="shop 搜索 search 连衣裙",
                   catch_response=True) as r:
            expect(r, lambda r: "连衣裙" in r.text, "search")
        self.pause()
        c.get(f"/shop/c/{random.choice(PLAN['categories'])}/", name="shop 分类 category")
        product, sku = random.choice(PLAN["skus"])
        for pk in (random.choice(PLAN["products"]), product):
            self.pause()
            c.get(f"/shop/p/{pk}/", name="shop 商品 product")
        if random.random() < 0.5:
            return
        self.pause()
        c.post("/shop/cart/add/", {"sku": sku, "quantity": 1}, headers=csrf(c),
               name="shop 加入购物车 add to cart")
        c.get("/shop/cart/", name="shop 购物车 cart")
        self.pause()
        with c.get("/shop/checkout/", name="shop 结算页 checkout page", catch_response=True) as r:
            expect(r, lambda r: 'name="expected_total"' in r.text, "checkout page")
            total = re.search(r'name="expected_total" value="(\d+)"', r.text)
        self.pause()
        with c.post("/shop/checkout/", {"address": self.address,
                                        "expected_total": total[1] if total else ""},
                    headers=csrf(c), name="shop 提交订单 place order", catch_response=True) as r:
            placed = re.search(r"/shop/orders/(\d+)/placed/", r.url)
            expect(r, lambda r: placed, "order not placed")
        if not placed:
            return
        self.pause()
        with c.post(f"/shop/orders/{placed[1]}/pay/", {"provider": "sandbox"}, headers=csrf(c),
                    name="shop 去支付 pay", catch_response=True) as r:
            cashier = re.search(r"/shop/pay/sandbox/([\w-]+)/", r.url)
            expect(r, lambda r: cashier, "no cashier")
        if not cashier:
            return
        with c.post(f"/shop/pay/sandbox/{cashier[1]}/", {"result": "success"}, headers=csrf(c),
                    name="shop 沙箱付款 sandbox pays", catch_response=True) as r:
            expect(r, lambda r: "/shop/pay/return/" in r.url or "/shop/orders/" in r.url,
                   "payment")
        self.pause()
        c.get("/shop/orders/", name="shop 我的订单 my orders")


class ChatVisitor(HttpUser):
    fixed_count = int(os.environ.get("BENCH_CHATS", "20"))
    wait_time = between(2, 5)

    def on_start(self):
        self.client.get("/shop/", name="chat 进店 shop home")
        self.client.get("/shop/chat/", name="chat 打开窗口 open the widget")

    @task
    def conversation(self):
        c = self.client
        with c.post("/shop/chat/start/", {"body": random.choice(QUESTIONS), "name": "访客"},
                    headers=csrf(c), name="chat 发起会话 start", catch_response=True) as r:
            found = re.search(r'data-conversation="(\d+)"', r.text)
            expect(r, lambda r: found, "no conversation")
        if not found:
            return
        pk = found[1]
        self.last_id = 0
        reader = gevent.spawn(self.follow, pk)
        try:
            for _ in range(4):
                time.sleep(random.uniform(3, 8))
                # `after`: the fragment sent back holds the new message only; the agent's
                # answers are counted when the stream brings them (follow).
                with c.post(f"/shop/chat/{pk}/send/", {"body": random.choice(QUESTIONS),
                                                       "after": self.last_id},
                            headers=csrf(c), name="chat 发消息 send", catch_response=True) as r:
                    expect(r, lambda r: "from-customer" in r.text, "message not sent")
            time.sleep(random.uniform(2, 4))
            c.post(f"/shop/chat/{pk}/end/", headers=csrf(c), name="chat 结束 end")
        finally:
            reader.kill()

    def seen(self, html):
        ids = [int(i) for i in re.findall(r'data-id="(\d+)"', html)]
        if ids:
            self.last_id = max(self.last_id, *ids)

    def follow(self, pk):
        """The widget's stream: on each event, fetch the new messages and time the agent's
        answers from their [t=…] stamp."""
        started = time.time()
        try:
            with self.client.get(f"/shop/chat/{pk}/stream/", stream=True, catch_response=True,
                                 name="chat 实时连接 stream", timeout=400) as stream:
                stream.success()
                for line in stream.iter_lines(chunk_size=None, decode_unicode=True):
                    if not line or not line.startswith("data:"):
                        continue
                    r = self.client.get(f"/shop/chat/{pk}/messages/?after={self.last_id}",
                                        name="chat 取新消息 fetch")
                    self.seen(r.text)
                    for stamp in STAMP.findall(r.text):
                        delay = (time.time() - float(stamp)) * 1000
                        self.environment.events.request.fire(
                            request_type="SSE", name="delivery 回复送达 reply delivered",
                            response_time=delay, response_length=0, exception=None,
                            context={}, start_time=started)
        except gevent.GreenletExit:
            raise
        except Exception:  # noqa: BLE001 — the stream ends when the conversation does
            return


class Agent(HttpUser):
    fixed_count = int(os.environ.get("BENCH_AGENTS", "4"))
    wait_time = between(0.8, 1.2)

    def on_start(self):
        username = PLAN["agents"][next(AGENTS) % len(PLAN["agents"])]
        self.client.get("/accounts/login/", name="signin 员工登录页 staff login page")
        with self.client.post("/accounts/login/", {"username": username,
                                                   "password": PLAN["password"]},
                              headers=csrf(self.client), name="signin 客服登录 agent signs in",
                              catch_response=True) as r:
            expect(r, lambda r: "/accounts/" not in r.url, "agent not signed in")
        self.answered = {}

    @task
    def work(self):
        c = self.client
        with c.get("/service/chat/queue/", name="agent 队列 queue", catch_response=True) as r:
            expect(r, lambda r: 'id="chat-queue"' in r.text, "not the queue")
            queue = r.text
        waiting = WAITING.findall(queue)
        if waiting:
            pk = random.choice(waiting[:3])  # among the longest waiting, as agents do
            with c.post(f"/service/chat/{pk}/take/", headers={**csrf(c), "X-Chat": "1"},
                        name="agent 接入 take", catch_response=True) as r:
                # A colleague taking it a moment earlier is the queue working, not an error.
                if r.status_code in (200, 409):
                    r.success()
                else:
                    r.failure(f"take: HTTP {r.status_code}")
        for match in MINE.finditer(queue):
            if "待回复" not in match[0]:
                continue
            pk = match[1]
            body = f"{random.choice(ANSWERS)} [t={time.time():.3f}]"
            with c.post(f"/service/chat/{pk}/reply/", {"body": body},
                        headers={**csrf(c), "X-Chat": "1"}, name="agent 回复 reply",
                        catch_response=True) as r:
                if r.status_code == 409:  # the visitor ended it meanwhile
                    r.success()
                else:
                    expect(r, lambda r: "from-agent" in r.text, "reply")
