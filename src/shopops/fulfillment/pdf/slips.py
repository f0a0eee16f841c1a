"""配货单 (A5, one order per page): the order number as a barcode, its place in the wave,
the waybill number it pairs with, recipient, lines with locations, and everything the
packer must honour: messages, remarks, amendments (红旗备注), gift card, invoice title."""

from xml.sax.saxutils import escape

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib import colors
from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from shopops.service.privacy import mask_phone

from .fonts import chinese_font
from .styles import style

RED = "#c62828"


def write(path, docs):
    story = []
    for i, doc in enumerate(docs["orders"]):
        if i:
            story.append(PageBreak())
        story.extend(_slip(doc, docs))
    SimpleDocTemplate(str(path), pagesize=A5, leftMargin=8 * mm, rightMargin=8 * mm,
                      topMargin=8 * mm, bottomMargin=8 * mm,
                      title=f"配货单 {docs['wave'].number}").build(story)


def _slip(doc, docs):
    order, slip = doc["order"], doc["slip"]
    out = [Paragraph(f"配货单　{doc['position']}/{doc['total']}　波次 {docs['wave'].number}",
                     style(14))]
    if slip.copy_no > 1:
        out.append(Paragraph(f"第{slip.copy_no}次打印 — 原单作废", style(12, color=RED)))
    barcode = Code128(order.number, barHeight=12 * mm, barWidth=0.33 * mm, humanReadable=False)
    head = Table([[barcode, Paragraph(escape(f"订单号：{order.number}"), style(11))]],
                 colWidths=[None, 52 * mm])
    head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                              ("LEFTPADDING", (0, 0), (0, 0), 0)]))
    out.append(head)
    courier = slip.courier.name if slip.courier_id else ""
    pair = f"（与 {'、'.join(doc['pair'])} 同一包裹）" if doc["pair"] else ""
    out += [
        Paragraph(escape(f"快递：{courier}　运单号：{slip.waybill_no}{pair}"), style(11)),
        # The slip travels in the box (the customer's copy): the phone masked (ROLE-6); the
        # waybill outside carries what the courier needs.
        Paragraph(escape(f"收货人：{order.customer_name}　电话：{mask_phone(order.customer_phone)}"),
                  style(11)),
        Paragraph(escape(f"地址：{order.address}"), style(11)),
        Spacer(1, 2 * mm),
    ]
    cell = style(9)
    data = [["库位", "商家编码", "商品 / 规格", "数量"]]
    for x in doc["lines"]:
        data.append([Paragraph(escape(x["where"]), cell), Paragraph(escape(x["code"]), cell),
                     Paragraph(escape(f"{x['title']} {x['spec']}"), cell), str(x["quantity"])])
    table = Table(data, colWidths=[26 * mm, 28 * mm, 66 * mm, 12 * mm], repeatRows=1)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), chinese_font(), 9),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("ALIGN", (3, 0), (3, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    out += [table, Spacer(1, 2 * mm)]
    for label, value in (("买家留言", order.buyer_message), ("商家备注", order.seller_remark),
                         ("贺卡内容", order.gift_card_text), ("发票抬头", order.invoice_title),
                         ("送货时间", order.delivery_time)):
        if value:
            out.append(Paragraph(escape(f"{label}：{value}"), style(10)))
    for text in doc["amendments"]:
        out.append(Paragraph(escape(text), style(10, color=RED)))
    return out
