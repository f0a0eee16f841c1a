"""CAT-9 with CAT-4: a prices import changes no price; it proposes one price change per
product, which then goes through the approval chain like any other."""

from shopops.catalog.models import ChannelPrice, ImportJob, PriceChange, Sku
from shopops.core.actions.approvals import approve_proposal, execute_proposal
from shopops.core.models import Event, Proposal
from tests.factories import make_product

from .import_helpers import csv_bytes, media_fixture, preview, ref_fixture, run, xlsx_bytes  # noqa: F401

HEADERS = ["商家编码", "渠道", "售价(元)"]
S = ImportJob.State


def _shop(ref):
    dress = make_product("夏季碎花连衣裙", code="LYQ01", price_fen=19900,
                         skus=[{"尺码": "M"}, {"尺码": "L"}])
    shirt = make_product("真丝衬衫", code="CS01", price_fen=29900, skus=[{"尺码": "M"}])
    m, big = dress.skus.order_by("code")
    ChannelPrice.objects.create(sku=m, channel=ref["jd"], price_fen=20900)
    return dress, shirt, m, big, shirt.skus.get()


def test_cat9_prices_import_proposes_one_price_change_per_product(ref, staff):
    dress, shirt, m, big, silk = _shop(ref)
    rows = [[m.code, "", "179"],               # base price
            [m.code, "天猫旗舰店", "189.00"],     # channel by name, no own price yet
            [m.code, "jd", "209.00"],           # channel by code, equal → left out
            [big.code, "", "199.00"],           # unchanged → left out
            [silk.code, "京东自营店", "¥279.5"]]
    job = run(staff["product_manager"], "prices", xlsx_bytes(HEADERS, rows), "调价.xlsx")
    assert job.state == S.DONE, job.errors
    assert job.summary["counts"] == {"proposals": 2, "price_lines": 3, "prices_unchanged": 2}

    proposals = Proposal.objects.filter(kind="price_change").order_by("pk")
    assert proposals.count() == 2
    first, second = proposals
    assert first.state == Proposal.State.PENDING and first.proposer == staff["product_manager"]
    assert first.payload["product_id"] == dress.pk
    assert [(x["sku_id"], x["channel_id"], x["old_fen"], x["new_fen"])
            for x in first.payload["prices"]] == [(m.pk, None, 19900, 17900),
                                                  (m.pk, ref["tmall"].pk, None, 18900)]
    assert "调价.xlsx" in first.payload["reason"]
    assert [(x["sku_id"], x["channel_id"], x["old_fen"], x["new_fen"])
            for x in second.payload["prices"]] == [(silk.pk, ref["jd"].pk, None, 27950)]
    # Nothing changed yet: the prices wait for approval.
    assert Sku.objects.get(pk=m.pk).price_fen == 19900
    assert not ChannelPrice.objects.filter(channel=ref["tmall"]).exists()
    assert PriceChange.objects.count() == 0
    assert job.summary["applied"]["proposal_ids"] == [first.pk, second.pk]

    approve_proposal(actor=staff["manager"], proposal=first)
    execute_proposal(actor=staff["editor"], proposal=first)
    assert Sku.objects.get(pk=m.pk).price_fen == 17900
    assert ChannelPrice.objects.get(sku=m, channel=ref["tmall"]).price_fen == 18900


def test_cat9_bad_price_rows_are_all_listed(ref, staff):
    dress, shirt, m, big, silk = _shop(ref)
    rows = [["NOPE-1", "", "10"], [m.code, "拼多多", "10"], [big.code, "", "0"],
            [silk.code, "", "abc"], [m.code, "", "100"], [m.code, "", "101"]]
    job = preview(staff["product_manager"], "prices", xlsx_bytes(HEADERS, rows), "p.xlsx")
    assert job.state == S.INVALID
    assert [(e["row"], e["column"], e["message"]) for e in job.errors] == [
        (2, "商家编码", "商家编码不存在：NOPE-1"),
        (3, "渠道", "渠道不存在：拼多多（请先在基础资料中建立）"),
        (4, "售价(元)", "售价必须大于 0"),
        (5, "售价(元)", "金额格式不正确：abc"),
        (6, "商家编码", "同一SKU同一渠道的价格重复（另见第 7 行）"),
        (7, "商家编码", "同一SKU同一渠道的价格重复（另见第 6 行）"),
    ]
    assert Proposal.objects.count() == 0


def test_cat9_a_role_that_may_not_propose_prices_is_told_at_the_preview(ref, staff):
    dress, shirt, m, big, silk = _shop(ref)
    # The web editor executes price changes but does not propose them (APR-2).
    job = preview(staff["editor"], "prices", csv_bytes(HEADERS, [[m.code, "", "99"]]), "p.csv")
    assert job.state == S.INVALID
    assert job.errors[0]["message"] == (
        "价格导入会为每个商品提出调价申请（CAT-4），您的岗位不能提出调价申请")
    assert Event.objects.filter(verb="proposal.created").count() == 0


def test_cat9_prices_are_checked_again_against_the_database_when_applied(
        ref, staff):
    from shopops.catalog.actions.imports import confirm_import

    dress, shirt, m, big, silk = _shop(ref)
    job = preview(staff["product_manager"], "prices",
                  csv_bytes(HEADERS, [[silk.code, "", "250"], [m.code, "", "150"]]), "p.csv")
    assert job.state == S.PREVIEW
    Sku.objects.filter(pk=m.pk).update(price_fen=150_00)  # someone else got there first
    job = confirm_import(actor=staff["product_manager"], job=job, background=False)
    # Re-checked at apply: the unchanged line drops out, the other product is proposed.
    assert job.state == S.DONE
    assert job.summary["applied"]["proposals"] == 1
    assert Proposal.objects.get().payload["product_id"] == shirt.pk
