"""Shop search that understands Chinese. The query is split into words with rjieba (a jieba
segmenter), so 夏季连衣裙 finds 夏季碎花连衣裙: every word must appear in the product's
search text (catalog.search keeps Product.search_text: title, selling points, brand,
category names, codes). Products whose title holds the whole query come first, then
those whose title holds more of the words, then the newest listed."""

import re
import unicodedata

import rjieba
from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.functions import Lower

from shopops.catalog.search import terms

from .queries import listed_products, with_prices

# Words that carry no meaning on their own in a shopping query.
STOP_WORDS = {"的", "了", "和", "与", "及", "或", "呢", "吗", "啊", "要", "想", "买", "一件", "一个"}
_PUNCT = re.compile(r"^[\W_]+$")


def segments(q: str) -> list[str]:
    """The words of a query, in order, each once: spaces split first (and fold full-width
    forms and case), then each piece is segmented."""
    words = []
    for term in terms(unicodedata.normalize("NFKC", q or "")):
        for word in rjieba.cut(term):
            word = word.strip().lower()
            if not word or _PUNCT.match(word) or word in STOP_WORDS or word in words:
                continue
            words.append(word)
    return words


def search_products(channel, q: str):
    """The listed products matching every word of `q`, ranked (see the module doc);
    prices annotated. Returns (queryset, words)."""
    words = segments(q)
    products = listed_products(channel)
    if not words:
        return with_prices(products.none(), channel).annotate(rank=Value(0)), words
    for word in words:
        products = products.filter(search_text__contains=word)
    whole = "".join(words)
    products = with_prices(products, channel).annotate(title_lower=Lower("title"))
    rank = Case(When(Q(title_lower__contains=whole), then=Value(len(words) + 1)),
                default=Value(0), output_field=IntegerField())
    for word in words:
        rank = rank + Case(When(title_lower__contains=word, then=Value(1)), default=Value(0),
                           output_field=IntegerField())
    return products.annotate(rank=rank), words


def ranked(products, sort):
    from .queries import sorted_products

    if sort:
        return sorted_products(products, sort)
    return products.order_by("-rank", "-listed_at", "-pk")
