"""Real time (the order queues now, chat later): one mechanism, in-process by default and
across processes through Redis when SHOPOPS_REDIS_URL is set (ARCHITECTURE.md).

    publish("orders", {...})        # after the current transaction commits
    with subscribe(["orders"]) as sub:
        message = sub.get(timeout=15)           # sync (WSGI streams, tests)
        message = await sub.aget(timeout=15)    # async (ASGI streams under uvicorn)

Every event recorded in the event log is published on the topic of its app ("orders.order"
→ "orders"), so any page can refresh when its objects change without each action having to
remember it (core.events calls `publish_event`). Messages say only what changed (verb,
object id, summary); a page that receives one fetches its own fresh rows with the viewer's
permissions. Topics are declared with the capability a subscriber needs (`register_topic`);
a family of topics, one per object (the chat's "chat.<conversation id>"), is declared once by
its prefix (`register_topic_prefix`).

Delivery is best effort: a browser that was disconnected reloads its rows when it
reconnects (EventSource does that by itself), so nothing depends on every message arriving.
"""

import asyncio
import json
import logging
import queue
import threading
from contextlib import contextmanager

from django.conf import settings
from django.db import transaction

logger = logging.getLogger("shopops.realtime")

TOPICS: dict[str, str] = {}  # topic → capability a subscriber needs
TOPIC_PREFIXES: dict[str, str] = {}  # "chat." → capability for every "chat.<id>"
CHANNEL_PREFIX = "shopops:"
MAX_QUEUE = 1000  # a subscriber that stops reading loses old messages, never blocks others


def register_topic(topic: str, capability: str):
    TOPICS[topic] = capability


def register_topic_prefix(prefix: str, capability: str):
    """Every topic `prefix + <id>` needs `capability` (per-object topics)."""
    assert len(prefix) > 1 and prefix.endswith(".") and prefix.count(".") == 1, prefix
    TOPIC_PREFIXES[prefix] = capability


def topic_capability(topic: str) -> str | None:
    """The capability a subscriber of `topic` needs; None for an unknown topic."""
    if topic in TOPICS:
        return TOPICS[topic]
    prefix, dot, rest = topic.partition(".")
    if dot and rest:
        return TOPIC_PREFIXES.get(prefix + dot)
    return None


class Subscription:
    def __init__(self, topics):
        self.topics = frozenset(topics)
        self._queue: queue.Queue = queue.Queue(maxsize=MAX_QUEUE)
        self._loop = None
        self._async_queue: asyncio.Queue | None = None

    def deliver(self, message: dict):
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._put_async, message)
            return
        try:
            self._queue.put_nowait(message)
        except queue.Full:
            pass

    def _put_async(self, message):
        if self._async_queue.qsize() < MAX_QUEUE:
            self._async_queue.put_nowait(message)

    def get(self, timeout: float | None = None) -> dict | None:
        try:
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            return None

    def bind_loop(self):
        """Deliver to the running event loop from now on (call inside the async stream)."""
        self._async_queue = asyncio.Queue()
        self._loop = asyncio.get_running_loop()
        while not self._queue.empty():  # anything that arrived before binding
            self._async_queue.put_nowait(self._queue.get_nowait())

    async def aget(self, timeout: float | None = None) -> dict | None:
        try:
            return await asyncio.wait_for(self._async_queue.get(), timeout)
        except TimeoutError:
            return None


class LocalBroker:
    """Subscribers of this process."""

    def __init__(self):
        self._lock = threading.Lock()
        self._subscriptions: set[Subscription] = set()

    def subscribe(self, topics) -> Subscription:
        sub = Subscription(topics)
        with self._lock:
            self._subscriptions.add(sub)
        return sub

    def unsubscribe(self, sub: Subscription):
        with self._lock:
            self._subscriptions.discard(sub)

    def has_subscribers(self) -> bool:
        return bool(self._subscriptions)

    def send(self, topic: str, message: dict):
        self.fan_out(topic, message)

    def fan_out(self, topic: str, message: dict):
        with self._lock:
            targets = [s for s in self._subscriptions if topic in s.topics]
        for sub in targets:
            sub.deliver(message)


class RedisBroker(LocalBroker):
    """Publishes through Redis; one listener thread per process fans messages out to the
    local subscribers (including this process's own)."""

    def __init__(self, url: str):
        super().__init__()
        import redis

        self._redis = redis.Redis.from_url(url)
        self._listener = None
        self._started = threading.Lock()

    def subscribe(self, topics) -> Subscription:
        self._ensure_listener()
        return super().subscribe(topics)

    def has_subscribers(self) -> bool:
        return True  # other processes may have some

    def send(self, topic: str, message: dict):
        try:
            self._redis.publish(CHANNEL_PREFIX + topic, json.dumps(message, ensure_ascii=False))
        except Exception:  # Redis down: this process's own subscribers still hear it
            logger.warning("realtime: Redis publish failed; local delivery only", exc_info=True)
            self.fan_out(topic, message)

    def _ensure_listener(self):
        with self._started:
            if self._listener is None or not self._listener.is_alive():
                self._listener = threading.Thread(target=self._listen, name="realtime-redis",
                                                  daemon=True)
                self._listener.start()

    def _listen(self):
        import time

        while True:
            try:
                pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
                pubsub.psubscribe(CHANNEL_PREFIX + "*")
                for item in pubsub.listen():
                    channel = item["channel"].decode()
                    self.fan_out(channel[len(CHANNEL_PREFIX):], json.loads(item["data"]))
            except Exception:
                logger.warning("realtime: Redis listener lost; retrying", exc_info=True)
                time.sleep(1)


_broker: LocalBroker | None = None
_broker_lock = threading.Lock()


def broker() -> LocalBroker:
    global _broker
    if _broker is None:
        with _broker_lock:
            if _broker is None:
                url = getattr(settings, "SHOPOPS_REDIS_URL", "")
                _broker = RedisBroker(url) if url else LocalBroker()
    return _broker


def reset_broker():
    """Forget the broker (tests switching between in-process and Redis)."""
    global _broker
    with _broker_lock:
        _broker = None


def publish(topic: str, message: dict):
    """Send after the surrounding transaction commits (never news of a rolled-back change)."""
    b = broker()
    if not b.has_subscribers():
        return
    transaction.on_commit(lambda: b.send(topic, {"topic": topic, **message}))


def publish_event(event):
    """Called by core.events for every recorded event: topic = the object's app label."""
    if not event.object_type:
        return
    topic = event.object_type.split(".", 1)[0]
    if topic in TOPICS:
        publish(topic, {"verb": event.verb, "id": event.object_id, "summary": event.summary})


@contextmanager
def subscribe(topics):
    b = broker()
    sub = b.subscribe(topics)
    try:
        yield sub
    finally:
        b.unsubscribe(sub)
