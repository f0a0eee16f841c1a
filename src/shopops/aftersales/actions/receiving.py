"""AS-2, the returns desk (售后员): every incoming parcel is registered, signed for or
refused by the receiving rules (rules.py), and passed on to the responsible customer
service; the receiver's supervisor marks wrong decisions and registration errors.

Events the AS-2 scorecard counts (each names the receiver in data["receiver"]):

    aftersales.parcel_registered   a parcel registered (the receiver worked the post)
    aftersales.parcel_signed       signed for     (data: rule, suggested, overridden)
    aftersales.parcel_refused      refused        (data: rule, suggested, overridden)
    aftersales.parcel_passed_on    passed on to customer service (data: to, problem)
    aftersales.receiving_fault     the supervisor's finding, data["fault"] one of
                                   wrong_refusal / wrong_signing   (−5 each, 错误决策)
                                   not_passed_on                   (−5, 问题件未会知)
                                   not_registered                  (−5, 未登记清楚/未转交)
                                   and data["scoring"]: AS-2.decision / AS-2.pass_on /
                                   AS-2.register; a month without AS-2.decision faults
                                   earns the first +100, without the other two the second.
"""

from django.db import transaction
from django.utils import timezone

from shopops.accounts.models import User
from shopops.accounts.queries import users_with_roles
from shopops.core.errors import UserError
from shopops.core.events import record
from shopops.core.i18n import zh
from shopops.core.money import format_fen
from shopops.core.notify import notify
from shopops.core.numbering import next_number
from shopops.core.states import transition

from ..models import AfterSale, ReceivingFault, ReturnParcel, ReturnParcelPhoto
from ..rules import evaluate, match_parcel, normalise_waybill
from ..states import ALLOWED, AWAITING_RETURN, MACHINE
from . import deadlines
from .handling import check_staff
from .photos import check_photos, store_photos

D = ReturnParcel.Decision
FAULT_SCORING = {
    ReceivingFault.Kind.WRONG_REFUSAL: "AS-2.decision",
    ReceivingFault.Kind.WRONG_SIGNING: "AS-2.decision",
    ReceivingFault.Kind.NOT_PASSED_ON: "AS-2.pass_on",
    ReceivingFault.Kind.NOT_REGISTERED: "AS-2.register",
}


def responsible_cs(request):
    """Who hears of a parcel: the request's handler, else the CS supervisor."""
    if request is not None and request.handler is not None and request.handler.is_active:
        return request.handler
    found = users_with_roles(["cs_supervisor"]) or users_with_roles(["manager"])
    return found[0] if found else None


@transaction.atomic
def register_parcel(*, actor, waybill_no, courier=None, sender_name="", sender_phone="",
                    order_ref="", freight_collect=False, freight_fen=0, packaging="intact",
                    packaging_note="", decision="", note="", photos=()) -> ReturnParcel:
    """Register one incoming parcel and decide it. `decision` is the receiver's (签收 or
    拒收); when it differs from the rule's suggestion a reason is required."""
    check_staff(actor, "aftersales.receive")
    waybill_no = normalise_waybill(waybill_no)
    if len(waybill_no) < 6 or not waybill_no.isalnum():
        raise UserError("bad_waybill", "请扫描或填写运单号（6 位以上字母或数字）。",
                        "Scan or type the waybill number (6+ letters or digits).")
    if ReturnParcel.objects.filter(waybill_no=waybill_no).exists():
        raise UserError("parcel_duplicate", "运单 {no} 已经登记过，不要重复登记。",
                        "Waybill {no} is already registered.", no=waybill_no)
    if decision not in D.values:
        raise UserError("decision_required", "请选择签收或拒收。", "Choose sign or refuse.")
    if packaging not in ReturnParcel.Packaging.values:
        raise UserError("bad_packaging", "请选择外包装情况。", "Choose the packaging condition.")
    note, packaging_note = (note or "").strip()[:300], (packaging_note or "").strip()[:300]
    damaged = packaging == ReturnParcel.Packaging.DAMAGED
    if damaged and not packaging_note:
        raise UserError("packaging_note_required", "外包装破损：请写明破损位置和情况。",
                        "Damaged packaging: describe where and how.")
    try:
        freight_fen = int(freight_fen or 0)
    except (TypeError, ValueError):
        freight_fen = -1
    if freight_fen < 0:
        raise UserError("bad_amount", "到付运费金额不正确。", "The freight amount is not valid.")
    found = match_parcel(waybill_no=waybill_no, order_ref=order_ref, sender_phone=sender_phone)
    rule = evaluate(found, freight_collect=bool(freight_collect))
    overridden = decision != rule.decision
    if overridden and not note:
        raise UserError("override_reason", "规则「{rule}」建议{suggested}，您选择了{decision}：请填写原因。",
                        "The rule suggests otherwise: give your reason.", rule=zh(rule.label),
                        suggested=zh(D(rule.decision).label), decision=zh(D(decision).label))
    checked = check_photos(photos)
    request = found.request
    problem = rule.problem or damaged or overridden
    parcel = ReturnParcel.objects.create(
        number=next_number("SJ"), waybill_no=waybill_no, courier=courier,
        sender_name=(sender_name or "").strip()[:60],
        sender_phone=(sender_phone or "").strip()[:30], order_ref=(order_ref or "").strip()[:64],
        request=request, order=found.order, freight_collect=bool(freight_collect),
        freight_fen=freight_fen if freight_collect else 0, packaging=packaging,
        packaging_note=packaging_note, decision=decision, rule=rule.code,
        suggested=rule.decision, decision_note=note, problem=problem, received_by=actor)
    store_photos(ReturnParcelPhoto, checked, parcel.number, parcel=parcel)
    who = _data(actor, parcel)
    matched = request.number if request else (found.order.number if found.order else "未匹配")
    record(actor=actor, verb="aftersales.parcel_registered", obj=parcel,
           summary=f"登记售后来件 {parcel.number}：{courier or ''} {waybill_no}，{matched}"
                   + ("，运费到付 " + format_fen(parcel.freight_fen) if parcel.freight_collect else "")
                   + ("，外包装破损" if damaged else ""),
           data={**who, "waybill_no": waybill_no, "match": found.how,
                 "request": request.pk if request else None,
                 "order": found.order.pk if found.order else None, "packaging": packaging,
                 "photos": len(checked)})
    verb = "aftersales.parcel_signed" if decision == D.SIGNED else "aftersales.parcel_refused"
    record(actor=actor, verb=verb, obj=parcel,
           summary=f"{parcel.number} {zh(D(decision).label)}（规则：{zh(rule.label)}）"
                   + (f"：{note}" if note else ""),
           data={**who, "rule": rule.code, "suggested": rule.decision, "overridden": overridden,
                 "note": note})
    if request is not None:
        _on_request(actor, parcel, request, decision, note or zh(rule.label))
    _pass_on(actor, parcel, responsible_cs(request), _problem_text(parcel, rule, note))
    return parcel


def _data(actor, parcel):
    return {"receiver": actor.pk if actor is not None and actor.pk else None,
            "parcel": parcel.pk}


def _problem_text(parcel, rule, note):
    parts = []
    if parcel.problem:
        parts.append(f"问题件（{zh(rule.label)}）")
    if parcel.packaging == ReturnParcel.Packaging.DAMAGED:
        parts.append(f"外包装破损：{parcel.packaging_note}")
    if parcel.decision != parcel.suggested:
        parts.append(f"未按规则建议处理：{note}")
    elif note:
        parts.append(note)
    return "；".join(parts)


def _on_request(actor, parcel, request, decision, note):
    """What the parcel means for its request (recorded on the request, so the customer
    reads it): signed → received, the inspection's clock starts; refused → still waiting.
    `note`: the receiver's reason, else the rule's name."""
    request = AfterSale.objects.select_for_update().get(pk=request.pk)
    if decision == D.SIGNED and request.state in AWAITING_RETURN:
        before = transition(request, AfterSale.State.RECEIVED, ALLOWED, machine=MACHINE,
                            received_at=parcel.received_at)
        record(actor=actor, verb="aftersales.received", obj=request,
               summary=f"{request.number} 退回商品已签收（{parcel.waybill_no}），等待检验",
               changes={"state": [before, request.state]}, data={"parcel": parcel.pk})
        deadlines.start(actor=actor, request=request, step="inspect", person=actor)
    elif decision == D.REFUSED:
        record(actor=actor, verb="aftersales.return_refused", obj=request,
               summary=f"{request.number} 退回包裹 {parcel.waybill_no} 被拒收（{note}），客服会与您联系",
               data={"parcel": parcel.pk})


def _pass_on(actor, parcel, person, text):
    if person is None:
        return
    now = timezone.now()
    ReturnParcel.objects.filter(pk=parcel.pk).update(passed_to=person, passed_at=now)
    parcel.passed_to, parcel.passed_at = person, now
    record(actor=actor, verb="aftersales.parcel_passed_on", obj=parcel,
           summary=f"{parcel.number} 转交 {person}" + (f"：{text}" if text else ""),
           data={**_data(actor, parcel), "to": person.pk, "problem": parcel.problem,
                 "text": text})
    target = parcel.request or parcel
    title = (f"售后来件{'（问题件）' if parcel.problem else ''}：{parcel.waybill_no} "
             f"{zh(parcel.get_decision_display())}")
    notify([person], title=title[:200],
           body=text or f"来件 {parcel.number} 已{zh(parcel.get_decision_display())}。",
           link=target.get_absolute_url(), category="aftersales")


@transaction.atomic
def pass_on(*, actor, parcel, to, note="") -> ReturnParcel:
    """Hand a parcel's problem to another person (e.g. the handler changed)."""
    check_staff(actor, "aftersales.receive")
    if not isinstance(to, User) or not to.is_active:
        raise UserError("bad_person", "请选择转交给谁。", "Choose who to pass it to.")
    parcel = ReturnParcel.objects.select_for_update().get(pk=parcel.pk)
    _pass_on(actor, parcel, to, (note or "").strip()[:300])
    return parcel


@transaction.atomic
def mark_receiving_fault(*, actor, kind, note, parcel=None, receiver=None) -> ReceivingFault:
    """The supervisor's finding against the returns receiver (AS-2 scoring). `parcel`:
    the parcel concerned (its receiver is the one marked); a parcel that was never
    registered has none — then `receiver` says who was on the desk."""
    check_staff(actor, "aftersales.review_receiving")
    note = (note or "").strip()[:300]
    if kind not in ReceivingFault.Kind.values:
        raise UserError("bad_fault", "请选择差错类型。", "Choose the kind of fault.")
    if not note:
        raise UserError("note_required", "请写明差错经过（售后员会看到）。",
                        "Describe what went wrong.")
    receiver = parcel.received_by if parcel is not None else receiver
    if receiver is None:
        raise UserError("receiver_required", "请选择售后员。", "Choose the returns receiver.")
    if parcel is not None and kind in ReceivingFault.DECISION_KINDS:
        wrong = D.REFUSED if kind == ReceivingFault.Kind.WRONG_REFUSAL else D.SIGNED
        if parcel.decision != wrong:
            raise UserError("fault_mismatch", "来件 {number} 是{decision}的，不能判为「{fault}」。",
                            "That does not match the parcel's decision.", number=parcel.number,
                            decision=zh(parcel.get_decision_display()),
                            fault=zh(ReceivingFault.Kind(kind).label))
    fault = ReceivingFault.objects.create(receiver=receiver, parcel=parcel, kind=kind,
                                          note=note, marked_by=actor)
    label = zh(ReceivingFault.Kind(kind).label)
    obj = parcel if parcel is not None else receiver
    record(actor=actor, verb="aftersales.receiving_fault", obj=obj,
           summary=f"售后员 {receiver} 差错：{label}" + (f"（{parcel.number}）" if parcel else "")
                   + f"：{note}",
           data={"receiver": receiver.pk, "fault": kind, "scoring": FAULT_SCORING[kind],
                 "parcel": parcel.pk if parcel else None, "fault_id": fault.pk, "note": note})
    notify([receiver], title=f"售后来件差错：{label}", body=note,
           link=parcel.get_absolute_url() if parcel else "", category="aftersales")
    return fault
