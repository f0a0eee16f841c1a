"""The shop's channel: the first active channel of kind 官网商城 (b2c). Only products listed
on it are visible in the shop (CAT-2) and its ChannelPrice is the shop price (CAT-8).

A fresh installation has no channels at all until someone adds them on the catalog's
reference page or loads the demo, and a channel made behind the catalog's back on every
`migrate` would collide with both (the catalog refuses a second channel code "b2c"). So
the shop opens its own channel the first time a customer needs it, as the system, with
an event saying so; staff may rename it, and a B2C channel they made first is used."""

import logging

from django.db import IntegrityError, transaction

from shopops.catalog.models import Channel
from shopops.core.events import record

logger = logging.getLogger("shopops.storefront")
DEFAULT_CODE = "b2c"


def find_shop_channel():
    return (Channel.objects.filter(kind=Channel.Kind.B2C, active=True)
            .order_by("sort_order", "code").first())


def shop_channel() -> Channel:
    """The shop's channel, opened (by the system) when none exists yet."""
    channel = find_shop_channel()
    if channel is not None:
        return channel
    if Channel.objects.filter(kind=Channel.Kind.B2C).exists():
        # Staff switched the shop's channel off: do not open another behind their back.
        return Channel.objects.filter(kind=Channel.Kind.B2C).order_by("sort_order", "code")[0]
    return _open_channel()


def _open_channel() -> Channel:
    code = DEFAULT_CODE
    if Channel.objects.filter(code=code).exists():  # "b2c" taken by another kind of channel
        code = "shop"
    try:
        with transaction.atomic():
            channel = Channel.objects.create(code=code, name="官网商城", kind=Channel.Kind.B2C,
                                             sort_order=10)
            record(actor=None, verb="channel.created", obj=channel,
                   summary="官网商城开张：系统建立 B2C 销售渠道「官网商城」",
                   data={"code": code, "kind": Channel.Kind.B2C, "by": "storefront"})
    except IntegrityError:  # another request opened it at the same moment
        return Channel.objects.get(code=code)
    logger.info("opened the shop's B2C channel %s", code)
    return channel
