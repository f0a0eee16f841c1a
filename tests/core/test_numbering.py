"""Document numbers: unique, readable (prefix + day + counter), and at peak the order
numbers do not make order intakes wait for each other (PostgreSQL sequences)."""

import threading
from datetime import date

import pytest
from django.db import connection, transaction

from shopops.core.numbering import next_number


def test_numbers_count_per_prefix_and_day(db):
    day = date(2026, 11, 11)
    assert next_number("RK", day=day) == "RK20261111-0001"
    assert next_number("RK", day=day) == "RK20261111-0002"
    assert next_number("CK", day=day) == "CK20261111-0001"
    assert next_number("RK", day=date(2026, 11, 12)) == "RK20261112-0001"


def test_order_numbers_are_unique_and_carry_the_day(db):
    day = date(2026, 11, 11)
    numbers = [next_number("DD", day=day) for _ in range(50)]
    assert len(set(numbers)) == 50
    assert all(n.startswith("DD20261111-") for n in numbers)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_order_numbering_does_not_serialize_open_transactions():
    """A transaction that numbered an order and has not committed yet does not make a
    second intake wait (the day-counter row lock used to do exactly that)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: real row locks across connections")
    holding, release, got = threading.Event(), threading.Event(), {}

    def first():
        try:
            with transaction.atomic():
                got["first"] = next_number("DD")
                holding.set()
                release.wait(10)
        finally:
            connection.close()

    def second():
        try:
            holding.wait(10)
            with transaction.atomic():
                got["second"] = next_number("DD")
        finally:
            connection.close()

    a, b = threading.Thread(target=first), threading.Thread(target=second)
    a.start()
    b.start()
    b.join(timeout=5)
    finished_while_first_open = not b.is_alive()
    release.set()
    a.join(timeout=10)
    b.join(timeout=10)
    assert finished_while_first_open
    assert got["first"] != got["second"]
