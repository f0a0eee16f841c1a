"""AS-1 under real concurrency (threads, each with its own connection; SQLite and
PostgreSQL): customers pressing 提交 at once never claim more than was bought, and two
agents approving the same request at once approve it once."""

import pytest

from shopops.aftersales.actions.handling import approve_request
from shopops.aftersales.actions.requests import open_request
from shopops.aftersales.models import AfterSale
from shopops.core.errors import UserError
from shopops.core.models import Event
from tests.inventory.test_reservation_concurrency import run_threads

from .helpers import opened


@pytest.mark.django_db(transaction=True)
def test_as1_simultaneous_requests_never_claim_more_than_bought(make_order, deliver, customer,
                                                                as_customer):
    order = deliver(make_order())  # 2 × dress
    line = order.lines.get()

    def work(i):
        try:
            open_request(actor=as_customer(customer), order=order, kind="return", reason="size",
                         lines=[{"line": line.pk, "quantity": 1}], refund_fen=100)
            return "ok"
        except UserError as exc:
            return exc.code

    results, errors = run_threads(8, work)
    assert not errors
    assert sorted(results) == ["ok", "ok"] + ["too_many"] * 6
    assert AfterSale.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_as1_two_agents_approving_at_once_approve_once(make_order, deliver, customer, as_customer,
                                                       people):
    request = opened(as_customer(customer), deliver(make_order()))
    agents = [people.agent, people.agent2, people.supervisor, people.boss]

    def work(i):
        try:
            approve_request(actor=agents[i], request=AfterSale.objects.get(pk=request.pk))
            return "ok"
        except UserError as exc:
            return exc.code

    results, errors = run_threads(4, work)
    assert not errors
    assert sorted(results) == ["illegal_transition"] * 3 + ["ok"]
    assert Event.objects.filter(verb="aftersales.approved").count() == 1
