"""Reference data by the names people write in a spreadsheet, each table read once.

A name that matches nothing is an error the preview reports — an import never creates a
category, brand, supplier, channel or warehouse on the fly (keeps the reference data clean).
"""

from collections import Counter
from dataclasses import dataclass, field

from .columns import header_key


def _norm(text: str) -> str:
    return header_key(text)


@dataclass
class Lookup:
    """name or code → id; a name two rows share is ambiguous and refused."""

    label: str
    label_en: str
    exact: dict[str, int] = field(default_factory=dict)  # codes and full paths: unique
    names: dict[str, set[int]] = field(default_factory=dict)
    shown: dict[int, str] = field(default_factory=dict)  # id → how the export writes it

    def add_code(self, code: str, pk: int):
        if code:
            self.exact[_norm(code)] = pk

    def add_name(self, name: str, pk: int):
        if name:
            self.names.setdefault(_norm(name), set()).add(pk)

    def names_uniquely(self, name: str) -> bool:
        """Whether `name` finds exactly its own row (no twin, no code spelled the same)."""
        key = _norm(name)
        return key not in self.exact and len(self.names.get(key, ())) == 1

    def find(self, text: str) -> tuple[int | None, tuple[str, str] | None]:
        """(id, None) or (None, (reason_zh, reason_en))."""
        key = _norm(text)
        if key in self.exact:
            return self.exact[key], None
        ids = self.names.get(key, set())
        if len(ids) == 1:
            return next(iter(ids)), None
        if len(ids) > 1:
            return None, (f"{self.label}「{text}」有重名，请填写编码或完整路径",
                          f"{self.label_en} '{text}' is ambiguous: use its code or full path")
        return None, (f"{self.label}不存在：{text}（请先在基础资料中建立）",
                      f"No such {self.label_en}: {text} (create it first)")


def category_paths() -> dict[int, str]:
    """id → "女装/连衣裙" (names from the root down, read from each node's id path)."""
    from shopops.catalog.models import Category

    rows = list(Category.objects.values_list("pk", "name", "path", "parent_id"))
    names = {pk: name for pk, name, _, _ in rows}
    parents = {pk: parent for pk, _, _, parent in rows}
    out = {}
    for pk, _, path, _ in rows:
        ids = [int(p) for p in (path or "").strip("/").split("/") if p.isdigit()]
        if not ids or ids[-1] != pk:  # path not maintained: walk the parents instead
            ids, node = [], pk
            while node is not None and node not in ids:
                ids.insert(0, node)
                node = parents.get(node)
        out[pk] = "/".join(names[i] for i in ids if i in names)
    return out


def categories() -> Lookup:
    lookup = Lookup("类目", "category")
    paths = category_paths()
    counts = Counter(_norm(p) for p in paths.values())
    twins = {key for key, n in counts.items() if n > 1}
    for pk, path in paths.items():
        if _norm(path) in twins:  # siblings of the same name: the path names neither
            lookup.add_name(path, pk)
        else:
            lookup.add_code(path, pk)
        lookup.add_name(path.rsplit("/", 1)[-1], pk)
        lookup.shown[pk] = path
    return lookup


def brands() -> Lookup:
    from shopops.catalog.models import Brand

    lookup = Lookup("品牌", "brand")
    for pk, name, name_en in Brand.objects.values_list("pk", "name", "name_en"):
        lookup.add_code(name, pk)
        lookup.add_name(name_en, pk)
        lookup.shown[pk] = name
    return lookup


def suppliers() -> Lookup:
    from shopops.purchasing.models import Supplier

    lookup = Lookup("供应商", "supplier")
    for pk, code, name in Supplier.objects.values_list("pk", "code", "name"):
        lookup.add_code(code, pk)
        lookup.add_name(name, pk)
        lookup.shown[pk] = code
    return lookup


def channels() -> Lookup:
    from shopops.catalog.models import Channel

    lookup = Lookup("渠道", "channel")
    rows = list(Channel.objects.values_list("pk", "code", "name"))
    for pk, code, name in rows:
        lookup.add_code(code, pk)
        lookup.add_name(name, pk)
    # The export writes the name people know, unless two channels share it.
    for pk, code, name in rows:
        lookup.shown[pk] = name if lookup.names_uniquely(name) else code
    return lookup


def warehouses() -> Lookup:
    from shopops.inventory.models import Warehouse

    lookup = Lookup("仓库", "warehouse")
    rows = list(Warehouse.objects.values_list("pk", "code", "name"))
    for pk, code, name in rows:
        lookup.add_code(code, pk)
        lookup.add_name(name, pk)
    for pk, code, name in rows:
        lookup.shown[pk] = name if lookup.names_uniquely(name) else code
    return lookup
