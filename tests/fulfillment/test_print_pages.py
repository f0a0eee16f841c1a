"""FUL-2/FUL-3 pages and API: the wave list, a wave, the pick list, the PDFs and the
transfer requests, driven as the printer, picker and supervisor do; bounded queries."""

import json

import pytest
from django.utils import timezone

from shopops.fulfillment.actions.printing import create_waves, hand_to_picker, print_wave
from shopops.fulfillment.models import TransferRequest, Wave
from shopops.inventory import ledger
from shopops.orders.models import Order

BIG = 64


@pytest.fixture
def many(paid_order, put_in_state, dress, shirt, hz, bins):
    """BIG reviewed orders, each with a dress and a shirt."""
    for sku, location in ((dress, bins.a), (shirt, bins.b)):
        ledger.receive(actor=None, sku=sku, warehouse=hz, quantity=BIG, location=location,
                       reference="test")
    return [put_in_state(paid_order(lines=[{"sku": dress, "quantity": 1},
                                           {"sku": shirt, "quantity": 1}]), "reviewed")
            for _ in range(BIG)]


def body(response):
    return response.content.decode()


def test_ful2_wave_list_answers_in_bounded_queries(many, people, hz, client_for,
                                                   django_assert_max_num_queries):
    waves = create_waves(actor=people.printer, warehouse=hz, size=4)  # 16 waves
    for wave in waves[:10]:
        print_wave(actor=people.printer, wave=wave, render=False)
    hand_to_picker(actor=people.printer, wave=waves[0], picker=people.picker)

    client = client_for(people.printer)
    with django_assert_max_num_queries(12):
        page = client.get("/fulfillment/waves/")

    assert page.status_code == 200
    html = body(page)
    assert html.count('data-testid="wave-row"') == 16
    assert html.count('data-state="printed"') == 9 and html.count('data-state="open"') == 6
    assert "周强" in html
    assert create_waves(actor=people.printer, warehouse=hz) == []  # nothing left to wave


def test_ful2_wave_and_pick_pages_answer_in_bounded_queries(many, people, hz, client_for,
                                                            django_assert_max_num_queries):
    client = client_for(people.printer)
    wave = create_waves(actor=people.printer, warehouse=hz, size=100)[0]
    print_wave(actor=people.printer, wave=wave, render=False)
    with django_assert_max_num_queries(16):
        page = client.get(f"/fulfillment/waves/{wave.pk}/")
    assert page.status_code == 200
    html = body(page)
    assert html.count('data-testid="wave-order"') == 50  # paginated
    assert f"1/{BIG}" in html and "A-01-01" in html and "B-02-03" in html
    hand_to_picker(actor=people.printer, wave=wave, picker=people.picker)
    picker = client_for(people.picker)
    with django_assert_max_num_queries(14):
        page = picker.get(f"/fulfillment/waves/{wave.pk}/pick/")
    assert page.status_code == 200
    assert body(page).count('data-testid="pick-line"') == 2 * BIG
    assert body(page).count('data-testid="pick-row"') == 2


def test_ful2_printer_builds_prints_and_hands_a_wave_on_the_pages(paid_order, put_in_state,
                                                                  people, client_for, settings,
                                                                  tmp_path):
    settings.MEDIA_ROOT = tmp_path
    order = put_in_state(paid_order(), "reviewed")
    printer = client_for(people.printer)

    page = printer.post("/fulfillment/waves/new/", follow=True)
    assert "已生成 1 个波次。" in body(page)
    wave = Wave.objects.get()
    page = printer.post(f"/fulfillment/waves/{wave.pk}/print/", follow=True)
    assert "已打印 1 单" in body(page)
    assert 'data-testid="pdf-waybills"' in body(page)
    page = printer.post(f"/fulfillment/waves/{wave.pk}/print/", follow=True)
    assert "已打印过" in body(page)  # the action's error, shown as a message
    page = printer.post(f"/fulfillment/waves/{wave.pk}/reprint/", {"reason": ""}, follow=True)
    assert "重打必须填写原因" in body(page)
    page = printer.post(f"/fulfillment/waves/{wave.pk}/hand/", {"picker": people.picker.pk},
                        follow=True)
    assert "已交给备货员 周强。" in body(page)
    order.refresh_from_db()
    assert order.state == "printed"
    assert printer.get("/fulfillment/waves/new/").status_code == 405
    assert client_for(people.picker).post(f"/fulfillment/waves/{wave.pk}/print/").status_code \
        == 403


def test_ful3_picker_reports_a_shortage_and_finishes_on_the_pick_page(paid_order, put_in_state,
                                                                      people, hz, dress,
                                                                      shirt, client_for):
    short = put_in_state(paid_order(lines=[{"sku": dress, "quantity": 1},
                                           {"sku": shirt, "quantity": 2}]), "reviewed")
    fine = put_in_state(paid_order(), "reviewed")
    wave = create_waves(actor=people.printer, warehouse=hz)[0]
    print_wave(actor=people.printer, wave=wave, render=False)
    hand_to_picker(actor=people.printer, wave=wave, picker=people.picker)
    picker = client_for(people.picker)
    line = short.lines.get(sku=shirt)
    url = f"/fulfillment/waves/{wave.pk}/pick/"

    page = picker.post(url + "shortage/", {"report_line": line.pk, f"missing_{line.pk}": "1",
                                           f"note_{line.pk}": "只剩一件", "next": url},
                       follow=True)
    assert "已报缺并提交调拨申请 DB" in body(page)
    page = picker.post(url + "done/", {"next": url}, follow=True)
    assert "配货完成：1 单。" in body(page)
    assert dict(Order.objects.values_list("pk", "state")) == {short.pk: "out_of_stock",
                                                              fine.pk: "picked"}

    supervisor = client_for(people.supervisor)
    page = supervisor.get("/fulfillment/transfers/")
    assert 'data-testid="transfer-unmet"' in body(page) and "只剩一件" in body(page)
    request = TransferRequest.objects.get()
    assert client_for(people.picker).get("/fulfillment/transfers/").status_code == 200
    assert 'data-testid="transfer-unmet"' not in body(client_for(people.picker).get(
        "/fulfillment/transfers/"))
    page = supervisor.post(f"/fulfillment/transfers/{request.pk}/resolve/",
                           {"outcome": "fulfilled", "note": "已补货"}, follow=True)
    assert "已调拨，订单继续发货。" in body(page)
    short.refresh_from_db()
    assert short.state == "printed"


def test_ful3_transfer_list_in_bounded_queries(people, hz, dress, client_for,
                                               django_assert_max_num_queries, paid_order):
    order = paid_order()
    now = timezone.now()
    TransferRequest.objects.bulk_create([
        TransferRequest(number=f"DB-{i}", sku=dress, warehouse=hz, quantity=1, order=order,
                        requested_by=people.picker, requested_at=now,
                        state="unmet" if i % 2 else "open") for i in range(60)])
    client = client_for(people.supervisor)
    with django_assert_max_num_queries(12):
        page = client.get("/fulfillment/transfers/")
    html = body(page)
    assert html.count('data-testid="transfer-row"') == 50
    states = [chunk.split('"')[0] for chunk in html.split('data-state="')[1:]]
    assert states[:30] == ["open"] * 30 and states[30:] == ["unmet"] * 20  # open first


def test_ful2_api_drives_print_and_pick(paid_order, put_in_state, people, hz, client_for,
                                        shirt):
    order = put_in_state(paid_order(lines=[{"sku": shirt, "quantity": 1}]), "reviewed")
    printer, picker = client_for(people.printer), client_for(people.picker)

    def post(client, url, data=None):
        return client.post("/api/v1/fulfillment" + url, json.dumps(data or {}),
                           content_type="application/json")

    assert post(picker, "/waves").status_code == 403
    made = post(printer, "/waves", {"warehouse": hz.code})
    assert made.status_code == 201
    wave = made.json()[0]
    assert (wave["orders"], wave["state"]) == (1, "open")
    run = post(printer, f"/waves/{wave['id']}/print?render=false")
    assert run.status_code == 201 and run.json()["kind"] == "first"
    again = post(printer, f"/waves/{wave['id']}/print")
    assert again.status_code == 400 and again.json()["code"] == "wave_already_printed"
    assert post(printer, f"/waves/{wave['id']}/reprint", {"reason": ""}).json()["code"] \
        == "reprint_reason"
    handed = post(printer, f"/waves/{wave['id']}/hand", {"picker": people.picker.username})
    assert handed.status_code == 200 and handed.json()["picker"] == people.picker.username
    short = post(picker, "/shortages", {"order": order.pk, "sku": shirt.code, "quantity": 1})
    assert short.status_code == 201 and short.json()["state"] == "open"
    assert post(picker, f"/waves/{wave['id']}/pick", {"shortages": []}).json() == {"picked": []}
    listed = printer.get("/api/v1/fulfillment/waves?state=picked")
    assert [w["number"] for w in listed.json()] == [wave["number"]]


def test_ful2_api_wave_list_in_bounded_queries(many, people, hz, client_for,
                                               django_assert_max_num_queries):
    create_waves(actor=people.printer, warehouse=hz, size=2)  # 32 waves
    client = client_for(people.picker)
    with django_assert_max_num_queries(6):
        listed = client.get("/api/v1/fulfillment/waves?limit=100")
    assert listed.status_code == 200
    assert len(listed.json()) == BIG // 2
    assert {w["orders"] for w in listed.json()} == {2}
