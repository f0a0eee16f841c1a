"""Review of product information sent in by branches and brand merchants (CAT-5): held in a
queue with a diff, accepted as a draft product, or returned with reasons (要求重新采集);
the submitter hears either way."""

import json

import pytest
from django.urls import reverse

from shopops.catalog.actions import submissions as actions
from shopops.catalog.models import Product, Sku, Submission
from shopops.core.errors import IllegalTransition, PermissionDeniedError, UserError
from shopops.core.models import Event, Notification
from tests.factories import channel, ean13, make_brand, make_category, make_product, make_supplier

API = "/api/v1/catalog/submissions"


@pytest.fixture
def world(db):
    women = make_category("女装")
    make_category("连衣裙", parent=women)
    make_brand("五步")
    return {"merchant": make_supplier("绍兴家纺有限公司"), "branch": channel("branch-sh")}


@pytest.fixture
def branch_clerk(make_user):
    # A branch's person sending information in: the planner post holds catalog.submit_info.
    return make_user(roles=["planner"], display_name="南京路分店·陈")


def payload(code="WB-N1", title="夏季碎花雪纺连衣裙", **extra):
    return {"code": code, "title": title, "category": "女装/连衣裙", "brand": "五步",
            "selling_points": "透气", "skus": [
                {"code": f"{code}-M", "barcode": ean13("690000099001"),
                 "attributes": {"颜色": "藏青", "尺码": "M"}, "price_fen": 19900,
                 "cost_fen": 8000, "weight_g": 300},
                {"code": f"{code}-L", "barcode": ean13("690000099002"),
                 "attributes": "颜色=藏青; 尺码=L", "price": "209.00", "cost": "80"}], **extra}


def test_cat5_submission_waits_for_review_and_reviewers_are_told(
        world, branch_clerk, editor, product_manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submission = actions.submit_info(actor=branch_clerk, payload=payload(),
                                         source_channel=world["branch"])
    assert submission.state == "pending"
    assert submission.payload["category"] == "女装 › 连衣裙"
    assert [s["price_fen"] for s in submission.payload["skus"]] == [19900, 20900]
    assert not Product.objects.filter(code="WB-N1").exists()
    told = set(Notification.objects.filter(title="待审核商品信息：夏季碎花雪纺连衣裙")
               .values_list("recipient__display_name", flat=True))
    assert told == {"刘芳", "黄磊"}
    assert Event.objects.get(verb="submission.submitted").summary == (
        "上海南京路分店 报送 WB-N1「夏季碎花雪纺连衣裙」，2 个SKU")


@pytest.mark.parametrize("change, message", [
    ({"code": ""}, "款号不能为空"),
    ({"category": "男装"}, "类目「男装」不存在"),
    ({"brand": "不存在"}, "品牌「不存在」不存在"),
    ({"skus": []}, "至少需要一个SKU"),
    ({"skus": [{"code": "X-1", "barcode": "6901234567891"}]}, "条码 6901234567891 校验位错误"),
])
def test_cat5_bad_submissions_are_refused_with_reasons(world, branch_clerk, change, message):
    with pytest.raises(UserError, match=message):
        actions.submit_info(actor=branch_clerk, payload={**payload(), **change})
    assert Submission.objects.count() == 0


def test_cat5_barcode_of_another_product_is_refused_at_once(world, branch_clerk):
    other = make_product(code="OTHER").skus.get()
    bad = payload()
    bad["skus"][0]["barcode"] = other.barcode
    with pytest.raises(UserError, match="已属于商品"):
        actions.submit_info(actor=branch_clerk, payload=bad)


def test_cat5_accepting_creates_a_draft_product_and_tells_the_submitter(
        world, branch_clerk, editor, django_capture_on_commit_callbacks):
    submission = actions.submit_info(actor=branch_clerk, payload=payload(),
                                     source=world["merchant"])
    with django_capture_on_commit_callbacks(execute=True):
        product = actions.accept_submission(actor=editor, submission=submission)
    assert (product.code, product.status, product.supplier) == ("WB-N1", "draft",
                                                                 world["merchant"])
    assert product.category.name == "连衣裙" and product.brand.name == "五步"
    assert sorted(product.skus.values_list("code", "price_fen")) == [("WB-N1-L", 20900),
                                                                    ("WB-N1-M", 19900)]
    submission.refresh_from_db()
    assert (submission.state, submission.reviewer, submission.product) == ("accepted", editor,
                                                                          product)
    assert Notification.objects.get(recipient=branch_clerk).title == (
        "商品信息已审核通过：夏季碎花雪纺连衣裙")
    assert Event.objects.get(verb="submission.accepted").summary == "审核通过，新建商品 WB-N1"
    with pytest.raises(IllegalTransition):
        actions.return_submission(actor=editor, submission=submission, reasons="晚了")


def test_cat5_accepting_updates_the_product_with_the_same_style_number(world, branch_clerk,
                                                                       editor):
    existing = make_product(code="WB-N1", title="旧标题", status="active",
                            skus=[{"颜色": "藏青", "尺码": "M"}])
    Sku.objects.filter(product=existing).update(code="WB-N1-M", barcode=ean13("690000099001"))
    submission = actions.submit_info(actor=branch_clerk, payload=payload())
    queued = actions.get_visible(editor, submission.pk)
    from shopops.catalog.queries import pending_with_diffs

    diff = pending_with_diffs([queued])[0].diff
    assert diff["new"] is False
    assert {f["label"]: (f["old"], f["new"]) for f in diff["fields"]}["标题"] == (
        "旧标题", "夏季碎花雪纺连衣裙")
    assert [(s["code"], s["state"]) for s in diff["skus"]] == [("WB-N1-M", "changed"),
                                                               ("WB-N1-L", "new")]
    actions.accept_submission(actor=editor, submission=submission)
    existing.refresh_from_db()
    assert existing.title == "夏季碎花雪纺连衣裙" and existing.status == "active"
    assert existing.skus.count() == 2
    # The base price of a product on sale is not changed by a submission (CAT-4).
    assert Sku.objects.get(code="WB-N1-M").price_fen == 19900
    assert Sku.objects.get(code="WB-N1-M").weight_g == 300


def test_cat5_returning_needs_reasons_and_sends_them_to_the_submitter(
        world, branch_clerk, editor, django_capture_on_commit_callbacks):
    submission = actions.submit_info(actor=branch_clerk, payload=payload())
    with pytest.raises(UserError, match="必须写明原因"):
        actions.return_submission(actor=editor, submission=submission, reasons="  \n ")
    with django_capture_on_commit_callbacks(execute=True):
        actions.return_submission(actor=editor, submission=submission,
                                  reasons="主图分辨率不足，请重新拍摄\n缺少面料成分")
    submission.refresh_from_db()
    assert (submission.state, submission.reasons) == (
        "returned", "主图分辨率不足，请重新拍摄\n缺少面料成分")
    note = Notification.objects.get(recipient=branch_clerk)
    assert note.title == "要求重新采集：夏季碎花雪纺连衣裙"
    assert note.body == "1. 主图分辨率不足，请重新拍摄\n2. 缺少面料成分"
    assert note.link == reverse("catalog:submission_detail", args=[submission.pk])
    assert not Product.objects.filter(code="WB-N1").exists()

    # Only the submitter may send it again, corrected.
    with pytest.raises(PermissionDeniedError):
        actions.resubmit(actor=editor, submission=submission, payload=payload())
    actions.resubmit(actor=branch_clerk, submission=submission,
                     payload=payload(description="面料：100% 桑蚕丝"))
    submission.refresh_from_db()
    assert (submission.state, submission.reasons) == ("pending", "")
    assert submission.payload["description"] == "面料：100% 桑蚕丝"


def test_cat5_reviewing_needs_the_capability(world, branch_clerk):
    submission = actions.submit_info(actor=branch_clerk, payload=payload())
    with pytest.raises(PermissionDeniedError):
        actions.accept_submission(actor=branch_clerk, submission=submission)


def test_cat5_api_accepts_the_same_payload(world, client_for, branch_clerk, picker):
    client = client_for(branch_clerk)
    body = {**payload(), "source": world["merchant"].code}
    response = client.post(API, json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["state"], data["payload"]["brand"]) == ("pending", "五步")
    assert Submission.objects.get(pk=data["id"]).source == world["merchant"]
    assert client.get(f"{API}/{data['id']}").json()["state_label"] == "待审核"

    bad = client.post(API, json.dumps({**payload("WB-N2"), "skus": [
        {"code": "Y-1", "barcode": "6901234567891"}]}), content_type="application/json")
    assert bad.status_code == 400
    assert bad.json()["code"] == "barcode_check_digit"
    assert "校验位错误" in bad.json()["message"]
    denied = client_for(picker).post(API, json.dumps(payload("WB-N3")),
                                     content_type="application/json")
    assert denied.status_code == 403
    assert Submission.objects.count() == 1


def test_cat5_queue_page_shows_diffs_in_bounded_queries(world, client_for, branch_clerk, editor,
                                                        django_assert_max_num_queries):
    for i in range(30):
        make_product(code=f"Q{i:02d}", title=f"旧标题{i}")
        body = payload(f"Q{i:02d}", f"新标题{i}")
        for n, row in enumerate(body["skus"]):
            row["barcode"] = ean13(f"69100{i:03d}{n:04d}")
        actions.submit_info(actor=branch_clerk, payload=body)
    client = client_for(editor)
    url = reverse("catalog:submission_list")
    client.get(url)
    with django_assert_max_num_queries(16):
        response = client.get(url)
    html = response.content.decode()
    assert html.count('data-testid="submission"') == 30
    assert "旧标题29" in html and "新标题29" in html


def test_cat5_review_pages_accept_and_return(world, client_for, branch_clerk, editor,
                                             make_user):
    first = actions.submit_info(actor=branch_clerk, payload=payload())
    second = actions.submit_info(actor=branch_clerk, payload=payload(
        "WB-N9", skus=[{"code": "WB-N9-M", "barcode": ean13("690000099009")}]))
    client = client_for(editor)
    detail = client.get(reverse("catalog:submission_detail", args=[first.pk])).content.decode()
    assert "新商品" in detail and "审核通过" in detail
    response = client.post(reverse("catalog:submission_accept", args=[first.pk]))
    product = Product.objects.get(code="WB-N1")
    assert response["Location"] == reverse("catalog:product_detail", args=[product.pk])
    empty = client.post(reverse("catalog:submission_return", args=[second.pk]), {"reasons": ""},
                        follow=True)
    assert "退回时必须写明原因" in empty.content.decode()
    client.post(reverse("catalog:submission_return", args=[second.pk]),
                {"reasons": "缺少吊牌照片"})
    assert Submission.objects.get(pk=second.pk).state == "returned"

    # The submitter sees the reasons and can send it again.
    own = client_for(branch_clerk)
    mine = own.get(reverse("catalog:submission_mine")).content.decode()
    assert "缺少吊牌照片" in mine
    assert own.get(reverse("catalog:submission_resubmit", args=[second.pk])).status_code == 200
    # Someone else's submission is not shown to a person who does not review.
    other_clerk = client_for(make_user(roles=["planner"]))
    assert other_clerk.get(
        reverse("catalog:submission_detail", args=[second.pk])).status_code == 404
    assert "缺少吊牌照片" not in other_clerk.get(reverse("catalog:submission_mine")).content.decode()


def test_cat5_submission_form_page(world, client_for, branch_clerk):
    client = client_for(branch_clerk)
    url = reverse("catalog:submission_new")
    assert client.get(url).status_code == 200
    response = client.post(url, {
        "source_channel": str(world["branch"].pk), "code": "WB-F1", "title": "家居抱枕",
        "skus-TOTAL_FORMS": "1", "skus-INITIAL_FORMS": "0", "skus-0-code": "WB-F1-01",
        "skus-0-barcode": ean13("690000055501"), "skus-0-attributes": "颜色=米白",
        "skus-0-price": "59"})
    submission = Submission.objects.get()
    assert response["Location"] == reverse("catalog:submission_detail", args=[submission.pk])
    assert submission.source_channel == world["branch"]
    assert submission.payload["skus"][0]["price_fen"] == 5900
