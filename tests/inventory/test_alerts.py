"""INV-5: safety stock per SKU × warehouse and low-stock alerts through the inbox — once
per fall below the line, to the responsible person or else the warehouse supervisors and
product managers; cheap on the ledger's hot path."""

import pytest

from shopops.core import registry
from shopops.core.errors import PermissionDeniedError, UserError
from shopops.core.models import Event, Notification, SettingValue
from shopops.inventory import alerts, ledger
from shopops.inventory.actions.safety import set_safety_stock
from shopops.inventory.models import Stock

TITLE = "库存预警：P-DRESS-01 在 杭州主仓 可用 {n} 件，低于安全库存 {safety} 件"


@pytest.fixture
def pm(make_user):
    return make_user(roles=["product_manager"], username="huanglei", display_name="黄磊")


def _alerts():
    return sorted(Notification.objects.filter(title__startswith="库存预警")
                  .values_list("recipient__username", "title"))


def _stock(sku, wh):
    return Stock.objects.get(sku=sku, warehouse=wh)


def test_inv5_new_stock_starts_at_the_default_safety_stock(hz, dress, store, put_stock):
    put_stock(dress, hz, 20)
    assert _stock(dress, hz).safety_stock == 5
    SettingValue.objects.create(key="inventory.default_safety_stock", value=8)
    registry.clear_cache()
    put_stock(dress, store, 20)
    assert _stock(dress, store).safety_stock == 8


def test_inv5_falling_to_safety_stock_alerts_supervisors_and_product_managers_once(
        hz, dress, keeper, pm, picker, put_stock):
    put_stock(dress, hz, 20)
    assert _alerts() == []
    ledger.issue(actor=picker, sku=dress, warehouse=hz, quantity=15)  # available 5 = safety
    title = TITLE.format(n=5, safety=5)
    assert _alerts() == [("huanglei", title), ("sunwei", title)]
    assert _stock(dress, hz).low_alerted is True
    note = Notification.objects.get(recipient=keeper)
    assert note.link == f"/inventory/sku/{dress.pk}/"
    assert note.category == "inventory"
    assert Event.objects.get(verb="stock.low_alerted").summary == title
    # Falling further does not repeat the alert.
    ledger.issue(actor=picker, sku=dress, warehouse=hz, quantity=2)
    assert len(_alerts()) == 2


def test_inv5_recovery_clears_the_flag_and_the_next_fall_alerts_again(hz, dress, keeper,
                                                                      put_stock):
    put_stock(dress, hz, 3)  # below the default 5 from the first receipt
    assert _alerts() == [("sunwei", TITLE.format(n=3, safety=5))]
    put_stock(dress, hz, 10)
    assert _stock(dress, hz).low_alerted is False
    ledger.issue(actor=None, sku=dress, warehouse=hz, quantity=9)
    assert _alerts() == [("sunwei", TITLE.format(n=3, safety=5)),
                         ("sunwei", TITLE.format(n=4, safety=5))]


def test_inv5_reservations_count_against_available(hz, dress, keeper, put_stock):
    put_stock(dress, hz, 10)
    ledger.reserve(actor=None, sku=dress, warehouse=hz, quantity=6, reference="order:1")
    assert _alerts() == [("sunwei", TITLE.format(n=4, safety=5))]


def test_inv5_the_responsible_person_alone_is_told(hz, dress, keeper, pm, make_user, put_stock):
    buyer = make_user(roles=["product_manager"], username="buyer", display_name="买手小陈")
    put_stock(dress, hz, 20)
    set_safety_stock(actor=pm, sku=dress, warehouse=hz, safety_stock=5, responsible=buyer)
    ledger.issue(actor=None, sku=dress, warehouse=hz, quantity=16)
    assert _alerts() == [("buyer", TITLE.format(n=4, safety=5))]


def test_inv5_zero_safety_stock_means_no_alert(hz, dress, keeper, pm, put_stock):
    put_stock(dress, hz, 20)
    set_safety_stock(actor=pm, sku=dress, warehouse=hz, safety_stock=0)
    ledger.issue(actor=None, sku=dress, warehouse=hz, quantity=20)
    assert _alerts() == []


def test_inv5_raising_safety_stock_above_available_alerts_at_once(hz, dress, keeper, pm,
                                                                  put_stock):
    put_stock(dress, hz, 12)
    stock = set_safety_stock(actor=pm, sku=dress, warehouse=hz, safety_stock=15)
    assert stock.safety_stock == 15
    assert _alerts() == [("huanglei", "库存预警：P-DRESS-01 在 杭州主仓 可用 12 件，低于安全库存 15 件"),
                         ("sunwei", "库存预警：P-DRESS-01 在 杭州主仓 可用 12 件，低于安全库存 15 件")]
    event = Event.objects.get(verb="stock.safety_changed")
    assert event.changes == {"safety_stock": [5, 15]}
    assert event.actor == pm
    assert event.summary == "设置安全库存：P-DRESS-01 在 杭州主仓 为 15 件"
    # Lowering it again clears the flag.
    set_safety_stock(actor=pm, sku=dress, warehouse=hz, safety_stock=3)
    assert _stock(dress, hz).low_alerted is False


def test_inv5_safety_stock_for_a_sku_never_stocked_there(hz, dress, pm):
    set_safety_stock(actor=pm, sku=dress, warehouse=hz, safety_stock=9)
    stock = _stock(dress, hz)
    assert (stock.on_hand, stock.safety_stock) == (0, 9)


def test_inv5_setting_safety_stock_needs_the_capability_and_a_sane_number(hz, dress, picker,
                                                                          pm):
    with pytest.raises(PermissionDeniedError) as exc:
        set_safety_stock(actor=picker, sku=dress, warehouse=hz, safety_stock=3)
    assert exc.value.message == "没有权限：设置安全库存 / set safety stock"
    with pytest.raises(UserError) as exc:
        set_safety_stock(actor=pm, sku=dress, warehouse=hz, safety_stock=-2)
    assert exc.value.message == "安全库存必须是 0 或正整数：-2"
    assert not Event.objects.filter(verb="stock.safety_changed").exists()


def test_inv5_checking_a_change_that_crosses_nothing_costs_no_query(
        hz, dress, put_stock, django_assert_num_queries):
    put_stock(dress, hz, 50)
    stock = _stock(dress, hz)
    with django_assert_num_queries(0):
        alerts.stock_changed(stocks=[stock], actor=None)
