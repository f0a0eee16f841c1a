"""Input forms of the accounts pages. They only parse and check shape; the rules live in
the actions (and raise UserError, which the views show)."""

from django import forms

from shopops.core.access import LEVEL_LABELS

from .actions import CREDENTIAL_CATEGORIES
from .models import Role, User

LEVEL_CHOICES = list(LEVEL_LABELS.items())


def role_choices():
    return [(r.code, r.name) for r in Role.objects.order_by("sort_order", "code")]


class LoginForm(forms.Form):
    username = forms.CharField(label="账号", max_length=150)
    password = forms.CharField(label="密码", widget=forms.PasswordInput, strip=False)


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label="当前密码", widget=forms.PasswordInput, strip=False)
    new_password = forms.CharField(label="新密码", widget=forms.PasswordInput, strip=False)
    new_password2 = forms.CharField(label="再次输入新密码", widget=forms.PasswordInput,
                                    strip=False)

    def clean(self):
        data = super().clean()
        if data.get("new_password") != data.get("new_password2"):
            raise forms.ValidationError("两次输入的新密码不一致 (The new passwords do not match.)")
        return data


class StaffCreateForm(forms.Form):
    username = forms.RegexField(label="账号", max_length=150, regex=r"^[\w.@+-]+$",
                                error_messages={"invalid": "账号只能包含字母、数字和 @ . + - _"})
    display_name = forms.CharField(label="姓名", max_length=60)
    employee_no = forms.CharField(label="工号", max_length=20, required=False)
    phone = forms.CharField(label="手机", max_length=20, required=False)
    supervisor = forms.ModelChoiceField(label="直属主管", required=False,
                                        queryset=User.objects.filter(is_active=True))
    roles = forms.MultipleChoiceField(label="岗位", required=False,
                                      widget=forms.CheckboxSelectMultiple)
    access_level = forms.ChoiceField(label="数据权限级别",
                                     choices=[c for c in LEVEL_CHOICES if c[0] != "db"],
                                     initial="write")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = role_choices()


class RoleChangeForm(forms.Form):
    add = forms.MultipleChoiceField(label="增加岗位", required=False,
                                    widget=forms.CheckboxSelectMultiple)
    acting = forms.BooleanField(label="以代理身份担任新增岗位（代理岗位）", required=False)
    ends_on = forms.DateField(label="代理结束日期", required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))
    remove = forms.MultipleChoiceField(label="取消岗位", required=False,
                                       widget=forms.CheckboxSelectMultiple)
    reason = forms.CharField(label="理由", required=False, widget=forms.Textarea)

    def __init__(self, *args, held=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = role_choices()
        self.fields["add"].choices = [c for c in choices if c[0] not in held]
        self.fields["remove"].choices = [c for c in choices if c[0] in held]

    def payload(self, user) -> dict:
        data = self.cleaned_data
        ends = data["ends_on"].isoformat() if data.get("ends_on") and data["acting"] else None
        return {
            "user_id": user.pk, "user_label": f"{user}（{user.username}）",
            "add": [{"role": code, "acting": bool(data["acting"]), "ends_on": ends}
                    for code in data["add"]],
            "remove": list(data["remove"]),
        }


class LevelChangeForm(forms.Form):
    level = forms.ChoiceField(label="新的数据权限级别", choices=LEVEL_CHOICES,
                              widget=forms.RadioSelect)
    reason = forms.CharField(label="理由", required=False, widget=forms.Textarea)


class CredentialForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100)
    category = forms.ChoiceField(label="类别", choices=[(c, c) for c in CREDENTIAL_CATEGORIES])
    login = forms.CharField(label="登录账号", max_length=150, required=False)
    url = forms.CharField(label="网址", max_length=300, required=False)
    secret = forms.CharField(label="密码", widget=forms.PasswordInput, strip=False)
    reader_roles = forms.MultipleChoiceField(label="可查看岗位",
                                             widget=forms.CheckboxSelectMultiple)
    notes = forms.CharField(label="备注", required=False, widget=forms.Textarea)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reader_roles"].choices = role_choices()


class CredentialChangeForm(forms.Form):
    login = forms.CharField(label="登录账号", max_length=150, required=False)
    url = forms.CharField(label="网址", max_length=300, required=False)
    secret = forms.CharField(label="新密码（不改则留空）", required=False, strip=False,
                             widget=forms.PasswordInput)
    reason = forms.CharField(label="理由", required=False, widget=forms.Textarea)
