"""CS-1 real time: a customer's open page follows their conversation's stream and hears the
agent's answer — through the WSGI server (the test live server, sync stream) and through
the ASGI handler `shopops serve` runs under uvicorn (async stream)."""

import asyncio
import json
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.sync import sync_to_async
from django.db import connections
from django.test import AsyncClient, Client
from django.urls import reverse

from shopops.core import realtime
from shopops.service.actions import chat
from shopops.service.models import Conversation


@pytest.fixture
def local_broker(settings):
    settings.SHOPOPS_REDIS_URL = ""
    realtime.reset_broker()
    yield realtime.broker()
    realtime.reset_broker()


def _wait_for_subscriber(broker):
    deadline = time.monotonic() + 5
    while not broker.has_subscribers() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert broker.has_subscribers()


def _read_event(url, cookie, topic, found):
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=10) as response:
        found["content_type"] = response.headers["Content-Type"]
        buffer = ""
        while True:
            line = response.readline().decode()
            if not line:
                return
            buffer += line
            if buffer.endswith("\n\n"):
                if buffer.startswith(f"event: {topic}"):
                    found["data"] = json.loads(buffer.split("data: ", 1)[1])
                    found["at"] = time.monotonic()
                    return
                buffer = ""


@pytest.mark.django_db(transaction=True)
def test_cs1_customer_stream_hears_the_agent_answer_wsgi(live_server, local_broker, chat_open,
                                                         team):
    client = Client()
    client.post(reverse("shop_chat:start"), {"body": "有S码吗？"})
    conversation = Conversation.objects.get()
    chat.take_conversation(actor=team["wu"], conversation=conversation)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    found = {}
    url = f"{live_server.url}{reverse('shop_chat:stream', args=[conversation.pk])}"
    reader = threading.Thread(target=_read_event, daemon=True, args=(
        url, cookie, f"chat.{conversation.pk}", found))
    reader.start()
    _wait_for_subscriber(local_broker)
    sent_at = time.monotonic()
    message = chat.post_agent_message(actor=team["wu"], conversation=conversation,
                                      body="您好，S码有货的")
    reader.join(timeout=5)
    assert found["content_type"].startswith("text/event-stream")
    assert found["data"] == {"topic": f"chat.{conversation.pk}", "verb": "chat.message",
                             "id": str(conversation.pk), "message": message.pk}
    assert found["at"] - sent_at < 1.0


@pytest.mark.django_db(transaction=True)
def test_cs1_customer_stream_hears_the_agent_answer_asgi(local_broker, chat_open, team):
    client = Client()
    client.post(reverse("shop_chat:start"), {"body": "有S码吗？"})
    conversation = Conversation.objects.get()
    chat.take_conversation(actor=team["wu"], conversation=conversation)
    session = client.cookies["sessionid"].value
    stranger_status = {}

    async def follow():
        asgi = AsyncClient()
        asgi.cookies["sessionid"] = session
        response = await asgi.get(reverse("shop_chat:stream", args=[conversation.pk]))
        assert response["Content-Type"].startswith("text/event-stream")
        stream = response.streaming_content.__aiter__()
        assert (await stream.__anext__()).decode().startswith("retry:")
        # The stream is subscribed now: the agent answers from another thread.
        answer = threading.Thread(target=lambda: chat.post_agent_message(
            actor=team["wu"], conversation=conversation, body="您好，S码有货的"))
        answer.start()
        frame = (await asyncio.wait_for(stream.__anext__(), 5)).decode()
        answer.join()
        await response.streaming_content.aclose()
        stranger = await AsyncClient().get(reverse("shop_chat:stream", args=[conversation.pk]))
        stranger_status["code"] = stranger.status_code
        # The handler's sync parts ran in asgiref's executor thread: close its connection
        # so that the test database can be dropped afterwards.
        await sync_to_async(connections.close_all)()
        return frame

    # Its own thread and event loop: a browser test earlier on this worker leaves
    # Playwright's loop running in the main thread, where asyncio.run() is refused.
    with ThreadPoolExecutor(1) as pool:
        frame = pool.submit(asyncio.run, follow()).result(timeout=30)
    assert frame.startswith(f"event: chat.{conversation.pk}\n")
    assert json.loads(frame.split("data: ", 1)[1])["verb"] == "chat.message"
    assert stranger_status["code"] == 403
