"""Forms of the customer pages (CS-4, CS-5). They only shape input; rules live in actions."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shopops.accounts.queries import users_with_roles
from shopops.catalog.models import Channel

from .models import Customer, CustomerTag, FollowUp
from .privacy import mask_email, mask_name, mask_phone

CS_ROLES = ["presale_cs", "aftersale_cs", "cs_supervisor"]


class CustomerForm(forms.Form):
    name = forms.CharField(label=_("姓名/称呼"), max_length=60)
    phone = forms.CharField(label=_("手机"), max_length=30, required=False)
    email = forms.EmailField(label=_("邮箱"), required=False)
    nick = forms.CharField(label=_("昵称/平台账号"), max_length=60, required=False)
    gender = forms.ChoiceField(label=_("性别"), choices=Customer.Gender.choices, required=False)
    birthday = forms.DateField(label=_("生日"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}))
    source = forms.ModelChoiceField(label=_("来源渠道"), queryset=Channel.objects.all(),
                                    required=False)
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    PRIVATE = {"name": mask_name, "phone": mask_phone, "email": mask_email}

    @classmethod
    def for_customer(cls, customer, data=None, *, revealed=False):
        """Editing a record. Unless the editor revealed the customer (ROLE-6) the name,
        phone and email fields start empty, show the masked value, and stay unchanged when
        left empty (see kept_private)."""
        fields = ["nick", "gender", "birthday", "source", "note"]
        form = cls(data, initial={k: getattr(customer, k) for k in fields + (
            list(cls.PRIVATE) if revealed else [])})
        if not revealed:
            for name, mask in cls.PRIVATE.items():
                field = form.fields[name]
                field.required = False
                field.widget.attrs["placeholder"] = mask(getattr(customer, name)) or "—"
                field.help_text = _("不修改请留空；要看完整信息请先在客户页点“显示完整信息”。")
        form.revealed = revealed
        return form

    def changed_values(self) -> dict:
        """cleaned_data without the private fields left empty on a masked form."""
        values = dict(self.cleaned_data)
        if not getattr(self, "revealed", True):
            for name in self.PRIVATE:
                if not values.get(name):
                    values.pop(name, None)
        return values


class AddressForm(forms.Form):
    recipient = forms.CharField(label=_("收货人"), max_length=60)
    phone = forms.CharField(label=_("联系电话"), max_length=30)
    province = forms.CharField(label=_("省"), max_length=30)
    city = forms.CharField(label=_("市"), max_length=30)
    district = forms.CharField(label=_("区/县"), max_length=30, required=False)
    detail = forms.CharField(label=_("详细地址"), max_length=200)
    is_default = forms.BooleanField(label=_("设为默认"), required=False)


def cs_people():
    return users_with_roles(CS_ROLES)


class FollowUpForm(forms.Form):
    purpose = forms.CharField(label=_("回访事项"), max_length=200)
    owner = forms.TypedChoiceField(label=_("回访人"), coerce=int)
    due_at = forms.DateTimeField(label=_("计划时间"),
                                 widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                            format="%Y-%m-%dT%H:%M"),
                                 input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    order = forms.TypedChoiceField(label=_("相关订单"), coerce=int, required=False,
                                   empty_value=None)

    def __init__(self, *args, customer=None, user=None, orders=(), **kwargs):
        kwargs.setdefault("initial", {})
        if user is not None:
            kwargs["initial"].setdefault("owner", user.pk)
        kwargs["initial"].setdefault("due_at", (timezone.localtime() + timedelta(days=1))
                                     .replace(minute=0, second=0, microsecond=0))
        super().__init__(*args, **kwargs)
        self.people = {p.pk: p for p in cs_people()}
        self.fields["owner"].choices = [(pk, str(p)) for pk, p in self.people.items()]
        self.orders = {o.pk: o for o in orders}
        self.fields["order"].choices = [("", "—")] + [(o.pk, o.number) for o in orders]


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("回访结果"),
                                choices=[c for c in FollowUp.Outcome.choices if c[0]])
    result = forms.CharField(label=_("回访记录"), widget=forms.Textarea(attrs={"rows": 2}))


class TagForm(forms.Form):
    name = forms.CharField(label=_("标签"), max_length=30)
    colour = forms.CharField(label=_("颜色"), max_length=20, required=False,
                             widget=forms.TextInput(attrs={"type": "color"}))
    description = forms.CharField(label=_("说明"), max_length=200, required=False)


class SegmentForm(forms.Form):
    name = forms.CharField(label=_("分群名称"), max_length=60)
    description = forms.CharField(label=_("说明"), max_length=200, required=False)
    tags = forms.ModelMultipleChoiceField(label=_("含任一标签"), queryset=CustomerTag.objects.all(),
                                          required=False, widget=forms.CheckboxSelectMultiple)
    min_orders = forms.IntegerField(label=_("最少订单数"), min_value=0, required=False)
    min_spent_yuan = forms.DecimalField(label=_("最低消费金额（元）"), min_value=0, required=False,
                                        decimal_places=2)
    last_order_days = forms.IntegerField(label=_("最近多少天内下过单"), min_value=0, required=False)
    province = forms.CharField(label=_("省份"), max_length=30, required=False)
    flag = forms.ChoiceField(label=_("客户标记"), required=False,
                             choices=[("any", _("不限"))] + list(Customer.Flag.choices))

    @classmethod
    def for_segment(cls, segment, data=None):
        rules = segment.rules
        initial = {"name": segment.name, "description": segment.description,
                   "tags": rules.get("tags", []), "min_orders": rules.get("min_orders"),
                   "min_spent_yuan": (rules["min_spent_fen"] / 100
                                      if rules.get("min_spent_fen") else None),
                   "last_order_days": rules.get("last_order_days"),
                   "province": rules.get("province", ""), "flag": rules.get("flag", "any")}
        return cls(data, initial=initial)
