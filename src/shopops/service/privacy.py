"""Buyers' personal data on staff screens (ROLE-6): masked (张*, 138****1234, 浙江省 杭州市
西湖区 ****) unless the viewer holds `service.reveal_pii` and revealed this very object,
which is logged (service.actions.privacy.reveal_pii). A reveal lasts a few minutes
(setting service.pii_reveal_minutes) in the viewer's session, then the page masks again.

Templates: {% load privacy %} then {% pii_name order.customer_name order %},
{% pii_phone order.customer_phone order %}, {% pii_address order.address order %} and
{% reveal_button order %} where the full data may be needed.
"""

import time

SESSION_KEY = "shopops_pii_reveals"
MASK = "****"


def mask_name(name: str) -> str:
    name = (name or "").strip()
    if len(name) <= 1:
        return name and "*"
    return name[0] + "*" * min(len(name) - 1, 3)


def mask_phone(phone: str) -> str:
    phone = (phone or "").strip()
    if not phone:
        return ""
    digits = "".join(c for c in phone if c.isdigit())
    if len(digits) == 13 and digits.startswith("86"):  # +86 mobile
        digits = digits[2:]
    if len(digits) >= 7:
        return f"{digits[:3]}{MASK}{digits[-4:]}"
    return MASK


def mask_detail(detail: str) -> str:
    """The street part of an address: everything after the district is hidden."""
    return MASK if (detail or "").strip() else ""


def mask_address(address: str) -> str:
    """"浙江省 杭州市 西湖区 文三路 90 号" → "浙江省 杭州市 西湖区 ****": the words up to the
    district stay (couriers and reports need the region), the street goes."""
    parts = (address or "").split()
    if not parts:
        return ""
    kept = []
    for part in parts[:3]:
        if part.endswith(("省", "市", "区", "县", "自治区", "特别行政区", "旗", "州", "盟")):
            kept.append(part)
        else:
            break
    return " ".join(kept + [MASK])


def mask_email(email: str) -> str:
    email = (email or "").strip()
    if "@" not in email:
        return mask_name(email)
    user, domain = email.split("@", 1)
    return f"{user[:1]}{MASK}@{domain}"


def object_key(obj) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}"


def is_revealed(request, obj) -> bool:
    if obj is None or request is None:
        return False
    from shopops.core.access import user_can

    if not user_can(getattr(request, "user", None), "service.reveal_pii"):
        return False
    until = request.session.get(SESSION_KEY, {}).get(object_key(obj))
    return bool(until and until > time.time())


def remember_reveal(request, obj, minutes: int):
    reveals = {k: v for k, v in request.session.get(SESSION_KEY, {}).items()
               if v > time.time()}  # forget the expired ones as we go
    reveals[object_key(obj)] = time.time() + minutes * 60
    request.session[SESSION_KEY] = reveals
