"""Shop search understands Chinese (rjieba): 连衣裙 finds 夏季碎花连衣裙, and so does the
non-contiguous 夏季连衣裙; every word must match; title matches rank first; products not
listed on the B2C channel never show; no results gets help."""

import pytest

from shopops.storefront.search import segments
from tests.factories import channel


def titles(response):
    return [p.title for p in response.context["page"].object_list]


def test_segments_split_chinese_queries_into_words():
    assert segments("夏季连衣裙") == ["夏季", "连衣裙"]
    assert segments("连衣裙") == ["连衣裙"]
    assert segments("  真丝　衬衫 的 ") == ["真丝", "衬衫"]
    assert segments("ＳＩＬＫ 衬衫") == ["silk", "衬衫"]
    assert segments("！！") == []


def test_search_finds_the_dress_by_a_word_and_by_non_contiguous_words(client, listed, shop):
    listed("夏季碎花连衣裙")
    listed("真丝长袖衬衫", skus=[{"颜色": "米白"}], category=shop.shirts)
    assert titles(client.get("/shop/search/", {"q": "连衣裙"})) == ["夏季碎花连衣裙"]
    assert titles(client.get("/shop/search/", {"q": "夏季连衣裙"})) == ["夏季碎花连衣裙"]
    # Every word must match: a summer shirt does not exist.
    response = client.get("/shop/search/", {"q": "夏季衬衫"})
    assert titles(response) == []


def test_a_product_not_listed_on_the_b2c_channel_never_shows(client, shop, listed):
    listed("夏季碎花连衣裙")
    listed("夏季雪纺连衣裙（天猫专供）", on=channel("tmall"))
    listed("夏季针织连衣裙（草稿）", status="draft")
    hidden = listed("夏季真丝连衣裙（已下架）")
    hidden.listings.update(state="delisted")
    response = client.get("/shop/search/", {"q": "夏季连衣裙"})
    assert titles(response) == ["夏季碎花连衣裙"]
    assert client.get(f"/shop/p/{hidden.pk}/").status_code == 404
    category = client.get(f"/shop/c/{shop.women.pk}/")
    assert [p.title for p in category.context["page"].object_list] == ["夏季碎花连衣裙"]


def test_title_matches_rank_before_matches_elsewhere(client, listed, shop):
    other = listed("法式方领泡泡袖长裙", category=shop.shirts)
    other.selling_points = "可作连衣裙穿"
    other.save()
    from shopops.catalog.search import refresh_search_text

    refresh_search_text(other)
    listed("连衣裙 基础款")
    listed("夏季碎花连衣裙")
    found = titles(client.get("/shop/search/", {"q": "连衣裙"}))
    assert found[-1] == "法式方领泡泡袖长裙"
    assert set(found[:2]) == {"连衣裙 基础款", "夏季碎花连衣裙"}
    # Sorting by price keeps only matching products.
    assert len(titles(client.get("/shop/search/", {"q": "连衣裙", "sort": "price"}))) == 3


def test_search_pages_and_says_how_many(client, listed, set_setting):
    set_setting("storefront.page_size", 4)
    for n in range(6):
        listed(f"碎花连衣裙 {n} 号")
    first = client.get("/shop/search/", {"q": "碎花连衣裙"})
    assert len(first.context["page"].object_list) == 4
    assert "共 6 件" in first.content.decode()
    second = client.get("/shop/search/", {"q": "碎花连衣裙", "page": 2})
    assert len(second.context["page"].object_list) == 2


def test_no_results_help(client, listed, shop):
    listed("夏季碎花连衣裙")
    html = client.get("/shop/search/", {"q": "羽绒服"}).content.decode()
    assert "没有找到与“羽绒服”相关的商品。" in html
    assert "换一个更常用的说法" in html and "女装" in html


@pytest.mark.parametrize("query", ["", "   ", "！？"])
def test_an_empty_query_asks_for_words(client, shop, query):
    response = client.get("/shop/search/", {"q": query})
    assert response.status_code == 200
    assert "在上方输入商品名称" in response.content.decode() or "没有找到" in response.content.decode()
