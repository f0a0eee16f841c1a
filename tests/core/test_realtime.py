"""ORD-1 "new orders appear at once": the real-time mechanism under the live queues —
in-process by default, through Redis across processes when configured."""

import json
import os
import subprocess
import sys
import threading
import time
import urllib.request

import pytest
from django.db import transaction

from shopops.core import realtime
from shopops.core.events import record


@pytest.fixture
def local_broker(settings):
    settings.SHOPOPS_REDIS_URL = ""
    realtime.reset_broker()
    yield realtime.broker()
    realtime.reset_broker()


@pytest.mark.django_db(transaction=True)
def test_ord1_event_reaches_subscribers_of_its_topic_after_commit(local_broker):
    with realtime.subscribe(["orders"]) as orders, realtime.subscribe(["catalog"]) as other:
        with transaction.atomic():
            record(actor=None, verb="order.created", object_type="orders.order",
                   object_id="7", summary="天猫 订单 DD1")
            assert orders.get(timeout=0.05) is None  # not before commit
        message = orders.get(timeout=1)
        assert message == {"topic": "orders", "verb": "order.created", "id": "7",
                           "summary": "天猫 订单 DD1"}
        assert other.get(timeout=0.05) is None


@pytest.mark.django_db(transaction=True)
def test_ord1_rolled_back_change_is_never_announced(local_broker):
    with realtime.subscribe(["orders"]) as orders:
        with pytest.raises(RuntimeError), transaction.atomic():
            record(actor=None, verb="order.created", object_type="orders.order", object_id="8")
            raise RuntimeError("boom")
        assert orders.get(timeout=0.2) is None


def _redis_url():
    url = os.environ.get("SHOPOPS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:
        if os.environ.get("CI"):
            raise
        pytest.skip("Redis not reachable")
    return url


def test_ord1_redis_carries_messages_between_processes(settings):
    """Another process publishes through Redis; this process's subscriber hears it."""
    url = _redis_url()
    settings.SHOPOPS_REDIS_URL = url
    realtime.reset_broker()
    try:
        with realtime.subscribe(["orders"]) as sub:
            time.sleep(0.3)  # the listener thread has subscribed
            code = (f"import redis, json; r = redis.Redis.from_url({url!r}); "
                    "r.publish('shopops:orders', json.dumps({'topic': 'orders', 'verb': "
                    "'order.created', 'id': '42', 'summary': '京东 订单'}))")
            subprocess.run([sys.executable, "-c", code], check=True, timeout=30)
            message = sub.get(timeout=5)
        assert message["id"] == "42" and message["summary"] == "京东 订单"
    finally:
        realtime.reset_broker()


def test_ord1_redis_broker_publish_reaches_own_process(settings):
    url = _redis_url()
    settings.SHOPOPS_REDIS_URL = url
    realtime.reset_broker()
    try:
        b = realtime.broker()
        with realtime.subscribe(["orders"]) as sub:
            time.sleep(0.3)
            b.send("orders", {"topic": "orders", "verb": "x", "id": "1", "summary": ""})
            assert sub.get(timeout=5)["verb"] == "x"
    finally:
        realtime.reset_broker()


def _read_events(url, cookie, found, stop):
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=10) as response:
        found["content_type"] = response.headers["Content-Type"]
        buffer = ""
        while not stop.is_set():
            line = response.readline().decode()
            if not line:
                return
            buffer += line
            if buffer.endswith("\n\n"):
                if buffer.startswith("event: orders"):
                    found["data"] = json.loads(buffer.split("data: ", 1)[1])
                    return
                buffer = ""


def test_ord1_live_stream_delivers_new_order_events(live_server, staff, client, local_broker):
    """/live/?topics=orders streams an event when an order is recorded elsewhere."""
    client.force_login(staff["presale_cs"])
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    found, stop = {}, threading.Event()
    reader = threading.Thread(target=_read_events, args=(
        f"{live_server.url}/live/?topics=orders", cookie, found, stop), daemon=True)
    reader.start()
    deadline = time.monotonic() + 5
    while not local_broker.has_subscribers() and time.monotonic() < deadline:
        time.sleep(0.02)
    record(actor=None, verb="order.created", object_type="orders.order", object_id="9",
           summary="新订单 DD9")
    reader.join(timeout=5)
    stop.set()
    assert found.get("content_type", "").startswith("text/event-stream")
    assert found.get("data", {}).get("summary") == "新订单 DD9"


def test_live_stream_refuses_topics_without_permission(client_for, staff):
    response = client_for(staff["designer"]).get("/live/?topics=orders")
    assert response.status_code == 403 and response.json()["code"] == "topic_forbidden"
    assert client_for(staff["designer"]).get("/live/").status_code == 400
    assert client_for(staff["designer"]).get("/live/?topics=nope").status_code == 403


# --- per-object topics (the chat: "chat.<conversation id>") ----------------------------


def test_cs1_per_object_topics_need_their_prefix_capability():
    assert realtime.topic_capability("chat") == "service.chat"
    assert realtime.topic_capability("chat.42") == "service.chat"
    assert realtime.topic_capability("chat.") is None
    assert realtime.topic_capability("nope.42") is None
    assert realtime.topic_capability("orders") == "orders.view"


def test_cs1_chat_message_crosses_processes_through_redis(settings):
    """Two RedisBrokers (as in two web processes, each with its own listener): a chat
    message published through one reaches a subscriber of the conversation on the other."""
    url = _redis_url()
    sender, receiver = realtime.RedisBroker(url), realtime.RedisBroker(url)
    sub = receiver.subscribe(["chat.42"])
    other = receiver.subscribe(["chat.43"])
    try:
        time.sleep(0.3)  # the receiver's listener thread has subscribed
        sender.send("chat.42", {"topic": "chat.42", "verb": "chat.message", "id": "42",
                                "message": 7})
        message = sub.get(timeout=5)
        assert message == {"topic": "chat.42", "verb": "chat.message", "id": "42", "message": 7}
        assert other.get(timeout=0.2) is None
    finally:
        receiver.unsubscribe(sub)
        receiver.unsubscribe(other)


# --- open streams and database connections ---------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_open_stream_under_asgi_gives_its_database_connection_back(staff, local_broker):
    """Under ASGI the view's thread would keep its connection (a pooled one on
    PostgreSQL) until the stream ends, minutes later: forty open chat windows then took
    every connection of a worker's pool and the shop answered 500 (bench/shop_load.py).
    The stream hands it back as soon as its checks are done."""
    from django.db import connection
    from django.test import AsyncRequestFactory

    from shopops.core.views.live import live

    request = AsyncRequestFactory().get("/live/", {"topics": "orders"})
    request.user = staff["presale_cs"]
    request.session = {}
    connection.ensure_connection()
    assert connection.connection is not None
    response = live(request)
    assert response.status_code == 200 and response.streaming
    assert connection.connection is None  # back to the pool, not held for the stream
    # The next query in this thread simply takes a connection again.
    assert type(staff["presale_cs"]).objects.filter(pk=staff["presale_cs"].pk).exists()
