"""The rule-set editor's fields (FUL-1): each rule's params as simple inputs — numbers,
comma lists, a courier select, region rows as lines "省份,省份|城市,城市|快递|千克上限" and
customer keywords as lines "关键词=快递" — and back to the rules JSON. Values are checked by
rules.validate when the action saves them."""

from .rules import DEFAULT_RULES, RULES

LISTS = {"provinces", "cities", "keywords"}
COURIER_SELECTS = {"default", "heavy_courier"}


def _all_rules(rules):
    """The set's rules in its order, then any rule it lacks (off) so it can be switched on."""
    have = {r.get("code") for r in rules}
    extra = [{**r, "enabled": False} for r in DEFAULT_RULES if r["code"] not in have]
    return [r for r in rules if r.get("code") in RULES] + extra


def _text(key, value):
    if key in LISTS:
        return "，".join(value or [])
    if key == "by_region":
        return "\n".join("|".join([",".join(row.get("provinces") or []),
                                   ",".join(row.get("cities") or []), row.get("courier", ""),
                                   "" if row.get("max_weight_kg") is None
                                   else str(row["max_weight_kg"])]).rstrip("|")
                         for row in value or [])
    if key == "customer_keywords":
        return "\n".join(f"{k}={v}" for k, v in (value or {}).items())
    return "" if value is None else str(value)


def _kind(key):
    if key in LISTS:
        return "list"
    if key in COURIER_SELECTS:
        return "courier"
    if key in ("by_region", "customer_keywords"):
        return "lines"
    return "number"


def form_rows(rules, couriers):
    rows = []
    for entry in _all_rules(rules):
        code = entry["code"]
        name, _, spec = RULES[code]
        params = entry.get("params") or {}
        fields = [{"name": f"{code}__{key}", "label": label, "kind": _kind(key),
                   "value": _text(key, params.get(key))}
                  for key, (label, _check) in spec.items()]
        rows.append({"code": code, "label": name, "enabled": entry.get("enabled", True),
                     "fields": fields, "couriers": couriers})
    return rows


def _region_rows(text):
    rows = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.replace("｜", "|").split("|")]
        parts += [""] * (4 - len(parts))
        rows.append({"provinces": parts[0], "cities": parts[1], "courier": parts[2],
                     "max_weight_kg": parts[3] or None})
    return rows


def _keywords(text):
    out = {}
    for line in (text or "").splitlines():
        if "=" in line:
            word, courier = line.split("=", 1)
            out[word.strip()] = courier.strip()
        elif line.strip():
            out[line.strip()] = ""  # validate() names the missing courier
    return out


def rules_from_post(post, rules):
    out = []
    for entry in _all_rules(rules):
        code = entry["code"]
        params = {}
        for key in RULES[code][2]:
            if f"{code}__{key}" not in post:  # not on the form: keep what the rule had
                if key in (entry.get("params") or {}):
                    params[key] = entry["params"][key]
                continue
            raw = post.get(f"{code}__{key}", "")
            if _kind(key) == "number" and not raw.strip():
                continue  # blank number: the rule's default applies
            if key == "by_region":
                params[key] = _region_rows(raw)
            elif key == "customer_keywords":
                params[key] = _keywords(raw)
            else:
                params[key] = raw.strip()
        out.append({"code": code, "enabled": post.get(f"{code}__enabled") == "on",
                    "params": params})
    return out
