"""The real-time stream (server-sent events): /live/?topics=orders,fulfillment.

A page subscribes with static/shopops/live.js; each message only says that something on
the topic changed, and the page fetches its own fresh rows. A topic needs its capability
(core.realtime.register_topic, register_topic_prefix for per-object topics such as
"chat.<id>"); unknown or forbidden topics are refused (403). The stream
ends after STREAM_SECONDS and the browser reconnects by itself, so no connection lives for
ever; a comment line every HEARTBEAT seconds keeps proxies from closing it and lets a
WSGI server notice a browser that went away.

`event_stream(request, topics)` is the response itself, for other streams that check their
own access first (the shop's chat stream checks that the conversation is the visitor's).
"""

import json
import time

from django.core.handlers.asgi import ASGIRequest
from django.db import connections
from django.http import JsonResponse, StreamingHttpResponse

from shopops.core.access import LOGIN, access, user_can
from shopops.core.realtime import broker, topic_capability

HEARTBEAT = 15.0
STREAM_SECONDS = 300.0


def _frame(message: dict) -> str:
    return f"event: {message.get('topic', 'message')}\ndata: {json.dumps(message, ensure_ascii=False)}\n\n"


def _release_connections():
    """The stream needs no database for its minutes of life: hand this thread's
    connections back (to the pool on PostgreSQL) now rather than hold one per open page
    until the response ends. Not inside a transaction (a test's), which must go on."""
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close()


def _sync_stream(topics, b):
    _release_connections()  # checks and middleware are done
    sub = b.subscribe(topics)
    try:
        yield "retry: 2000\n\n"
        deadline = time.monotonic() + STREAM_SECONDS
        while time.monotonic() < deadline:
            message = sub.get(timeout=HEARTBEAT)
            yield _frame(message) if message else ": ping\n\n"
    finally:
        b.unsubscribe(sub)


async def _async_stream(topics, b):
    sub = b.subscribe(topics)
    sub.bind_loop()
    try:
        yield "retry: 2000\n\n"
        deadline = time.monotonic() + STREAM_SECONDS
        while time.monotonic() < deadline:
            message = await sub.aget(timeout=HEARTBEAT)
            yield _frame(message) if message else ": ping\n\n"
    finally:
        b.unsubscribe(sub)


@access(LOGIN)
def live(request):
    topics = [t for t in request.GET.get("topics", "").split(",") if t]
    if not topics:
        return JsonResponse({"code": "no_topics", "message": "请指定订阅主题。",
                             "message_en": "Name the topics to follow."}, status=400)
    for topic in topics:
        capability = topic_capability(topic)
        if capability is None or not user_can(request.user, capability):
            return JsonResponse({"code": "topic_forbidden", "message": f"无权订阅：{topic}",
                                 "message_en": f"Not allowed to follow: {topic}"}, status=403)
    return event_stream(request, topics)


def event_stream(request, topics) -> StreamingHttpResponse:
    """The server-sent events of `topics`, async under ASGI (uvicorn), sync under WSGI.
    The caller has checked that this request may follow them."""
    # Subscribed when the stream starts: a response never read leaves nothing behind.
    if isinstance(request, ASGIRequest):
        stream = _async_stream(topics, broker())
        # Under ASGI the view's thread keeps its connection until the whole stream ends;
        # the checks are done, so give it back here (the sync stream does it itself).
        _release_connections()
    else:
        stream = _sync_stream(topics, broker())
    response = StreamingHttpResponse(stream, content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response
