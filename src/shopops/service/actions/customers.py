"""Customer records (客户档案, CS-4): create and edit a customer, addresses, tags, and link
the orders placed under the customer's phone. Event summaries name the customer masked
(陈*（KH…）): the event log is a staff screen too (ROLE-6)."""

from django.db import transaction
from django.utils import timezone

from shopops.core.access import require
from shopops.core.errors import ConflictError, UserError
from shopops.core.events import diff, record
from shopops.core.numbering import next_number

from ..models import Customer, CustomerAddress, CustomerTag

EDITABLE = ("name", "phone", "email", "nick", "gender", "birthday", "source", "note")


def label(customer) -> str:
    """How events name a customer: masked name and number (as Customer.__str__)."""
    return str(customer)


def record_for(actor, verb, customer, summary, **more):
    record(actor=actor, verb=verb, obj=customer, object_repr=label(customer),
           summary=summary, **more)


def _clean_phone(phone) -> str:
    phone = "".join(c for c in (phone or "") if c.isdigit() or c in "+-")
    return phone.strip("-")


def _check(values, *, exclude=None):
    values["name"] = (values.get("name") or "").strip()
    if not values["name"]:
        raise UserError("customer_name_required", "请填写客户姓名或称呼。",
                        "Enter the customer's name.")
    values["phone"] = _clean_phone(values.get("phone"))
    if values["phone"]:
        same = Customer.objects.filter(phone=values["phone"])
        if exclude is not None:
            same = same.exclude(pk=exclude.pk)
        other = same.first()
        if other is not None:
            raise ConflictError("customer_phone_taken", "手机号 {phone} 已有客户档案 {number}。",
                                "Phone {phone} already belongs to customer {number}.",
                                phone=values["phone"], number=other.number)
    for key in ("email", "nick", "note", "gender"):
        values[key] = (values.get(key) or "").strip()
    return values


@transaction.atomic
def create_customer(*, actor, name, phone="", email="", nick="", gender="", birthday=None,
                    source=None, note="", tags=()) -> Customer:
    require(actor, "service.manage_customers")
    values = _check({"name": name, "phone": phone, "email": email, "nick": nick,
                     "gender": gender, "note": note})
    customer = Customer.objects.create(number=next_number("KH"), birthday=birthday,
                                       source=source, **values)
    if tags:
        customer.tags.set(tags)
    record_for(actor, "customer.created", customer, f"新建客户档案 {label(customer)}",
            data={"tags": [t.name for t in tags]})
    return customer


@transaction.atomic
def update_customer(*, actor, customer, **fields) -> Customer:
    require(actor, "service.manage_customers")
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    before = {k: getattr(customer, k) for k in EDITABLE}
    values = _check({**before, **fields}, exclude=customer)
    for key, value in values.items():
        setattr(customer, key, value)
    changes = diff(before, {k: getattr(customer, k) for k in EDITABLE})
    if not changes:
        return customer
    customer.updated_at = timezone.now()
    customer.save()
    # Personal data stays out of the log: which fields changed, not their values.
    private = {"name", "phone", "email"}
    logged = {k: (["***", "***"] if k in private else v) for k, v in changes.items()}
    record_for(actor, "customer.updated", customer,
            f"修改客户档案 {label(customer)}：" + "、".join(
                str(Customer._meta.get_field(k).verbose_name) for k in EDITABLE if k in changes),
            changes=logged)
    return customer


@transaction.atomic
def tag_customer(*, actor, customer, tag) -> bool:
    require(actor, "service.manage_customers")
    if customer.tags.filter(pk=tag.pk).exists():
        return False
    customer.tags.add(tag)
    record_for(actor, "customer.tagged", customer, f"{label(customer)} 添加标签「{tag.name}」",
            data={"tag": tag.pk})
    return True


@transaction.atomic
def untag_customer(*, actor, customer, tag) -> bool:
    require(actor, "service.manage_customers")
    if not customer.tags.filter(pk=tag.pk).exists():
        return False
    customer.tags.remove(tag)
    record_for(actor, "customer.untagged", customer, f"{label(customer)} 移除标签「{tag.name}」",
            data={"tag": tag.pk})
    return True


@transaction.atomic
def save_tag(*, actor, name, colour="", description="", tag=None) -> CustomerTag:
    require(actor, "service.manage_customers")
    name = (name or "").strip()
    if not name:
        raise UserError("tag_name_required", "请填写标签名称。", "Enter the tag's name.")
    same = CustomerTag.objects.filter(name=name)
    if tag is not None:
        same = same.exclude(pk=tag.pk)
    if same.exists():
        raise ConflictError("tag_exists", "已有标签「{name}」。", "Tag '{name}' exists.", name=name)
    colour = (colour or "").strip() or "#4a6fa5"
    if tag is None:
        tag = CustomerTag.objects.create(name=name, colour=colour,
                                         description=(description or "").strip())
        before = {}
    else:
        before = {"name": tag.name, "colour": tag.colour, "description": tag.description}
        tag.name, tag.colour, tag.description = name, colour, (description or "").strip()
        tag.save()
    record(actor=actor, verb="tag.saved", obj=tag, summary=f"保存客户标签「{tag.name}」",
           changes=diff(before, {"name": tag.name, "colour": tag.colour,
                                 "description": tag.description}))
    return tag


@transaction.atomic
def delete_tag(*, actor, tag) -> int:
    """Removes the tag from every customer (the count is in the event)."""
    require(actor, "service.manage_customers")
    count = tag.customers.count()
    record(actor=actor, verb="tag.deleted", obj=tag,
           summary=f"删除客户标签「{tag.name}」（{count} 位客户）", data={"customers": count})
    tag.delete()
    return count


@transaction.atomic
def link_orders(*, actor, customer, orders) -> int:
    """Attach orders to the customer (orders placed under their phone before the record
    existed, platform orders). An order already belonging to another customer is refused;
    one already linked here is skipped. Returns how many were linked."""
    from shopops.orders.models import Order

    require(actor, "service.manage_customers")
    ids = [o.pk for o in orders]
    taken = (Order.objects.filter(pk__in=ids, customer__isnull=False)
             .exclude(customer=customer).values_list("number", flat=True))
    if taken:
        raise ConflictError("order_has_customer", "订单 {numbers} 已属于其他客户。",
                            "Orders {numbers} belong to another customer.",
                            numbers="、".join(taken))
    numbers = list(Order.objects.filter(pk__in=ids, customer__isnull=True)
                   .order_by("pk").values_list("number", flat=True))
    linked = Order.objects.filter(pk__in=ids, customer__isnull=True).update(customer=customer)
    if linked:
        record_for(actor, "customer.orders_linked", customer,
                f"{label(customer)} 关联订单 {'、'.join(numbers)}", data={"orders": ids})
    return linked


@transaction.atomic
def add_address(*, actor, customer, recipient, phone, province, city, detail, district="",
                is_default=False) -> CustomerAddress:
    require(actor, "service.manage_customers")
    values = {"recipient": (recipient or "").strip(), "phone": _clean_phone(phone),
              "province": (province or "").strip(), "city": (city or "").strip(),
              "district": (district or "").strip(), "detail": (detail or "").strip()}
    missing = [str(CustomerAddress._meta.get_field(k).verbose_name)
               for k in ("recipient", "phone", "province", "city", "detail") if not values[k]]
    if missing:
        raise UserError("address_incomplete", "请填写：{fields}。", "Please fill in: {fields}.",
                        fields="、".join(missing))
    if is_default:
        customer.addresses.filter(is_default=True).update(is_default=False)
    address = CustomerAddress.objects.create(
        customer=customer, is_default=is_default or not customer.addresses.exists(), **values)
    record_for(actor, "customer.address_added", customer,
            f"{label(customer)} 添加收货地址（{values['province']} {values['city']}）",
            data={"address": address.pk})
    return address


@transaction.atomic
def remove_address(*, actor, address) -> None:
    require(actor, "service.manage_customers")
    customer = address.customer
    record_for(actor, "customer.address_removed", customer,
            f"{label(customer)} 删除收货地址（{address.province} {address.city}）",
            data={"address": address.pk})
    address.delete()
