"""快递单 (100×180 mm or 76×130 mm, the courier's size): the waybill number as a Code128
barcode big enough to scan, the recipient in large type, the sender (warehouse), and the
order number and wave position that pair it with its picking slip. One per parcel: orders
merged into one parcel share a waybill."""

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from .fonts import chinese_font, wrap

SIZES = {"100x180": (100 * mm, 180 * mm), "76x130": (76 * mm, 130 * mm)}


def write(path, docs):
    canvas = Canvas(str(path))
    canvas.setTitle(f"快递单 {docs['wave'].number}")
    seen = set()
    for doc in docs["orders"]:
        if doc["slip"].waybill_no in seen:
            continue
        seen.add(doc["slip"].waybill_no)
        _page(canvas, doc, docs)
        canvas.showPage()
    if not seen:
        canvas.showPage()
    canvas.save()


def _page(c, doc, docs):
    slip, order = doc["slip"], doc["order"]
    size = slip.courier.waybill_size if slip.courier_id else "100x180"
    width, height = SIZES.get(size, SIZES["100x180"])
    c.setPageSize((width, height))
    k = width / (100 * mm)  # the small label scales everything down
    font, margin = chinese_font(), 4 * mm * k
    y = height - margin - 8 * k * mm
    c.setFont(font, 18 * k)
    c.drawString(margin, y, slip.courier.name if slip.courier_id else "快递")
    c.setFont(font, 11 * k)
    c.drawRightString(width - margin, y, f"{doc['position']}/{doc['total']}")
    if slip.copy_no > 1:
        c.drawRightString(width - margin, y - 5 * mm * k, f"第{slip.copy_no}次打印")

    bar_width = 0.42 * mm * k
    barcode = Code128(slip.waybill_no, barHeight=18 * mm * k, barWidth=bar_width,
                      humanReadable=False, quiet=True)
    y -= 26 * mm * k
    barcode.drawOn(c, max((width - barcode.width) / 2, 0), y)
    c.setFont(font, 12 * k)
    y -= 5 * mm * k
    c.drawCentredString(width / 2, y, slip.waybill_no)
    y = _rule(c, width, y - 3 * mm * k, margin)

    c.setFont(font, 11 * k)
    c.drawString(margin, y - 5 * mm * k, "收件人")
    c.setFont(font, 18 * k)
    y -= 13 * mm * k
    c.drawString(margin, y, f"{order.customer_name}  {order.customer_phone}")
    c.setFont(font, 15 * k)
    for text in wrap(order.address, width - 2 * margin, 15 * k):
        y -= 7 * mm * k
        c.drawString(margin, y, text)
    y = _rule(c, width, y - 4 * mm * k, margin)

    warehouse = docs["wave"].warehouse
    c.setFont(font, 10 * k)
    y -= 5 * mm * k
    c.drawString(margin, y, f"寄件：{warehouse.name}")
    for text in wrap(warehouse.address, width - 2 * margin, 10 * k)[:2]:
        y -= 4.5 * mm * k
        c.drawString(margin, y, text)
    y = _rule(c, width, y - 3 * mm * k, margin)

    c.setFont(font, 11 * k)
    y -= 6 * mm * k
    c.drawString(margin, y, f"订单号：{order.number}")
    y -= 5.5 * mm * k
    c.drawString(margin, y, f"波次：{docs['wave'].number}  序号 {doc['position']}/{doc['total']}")
    y -= 5.5 * mm * k
    c.drawString(margin, y, f"预估重量：{doc['weight_g'] / 1000:.2f} kg")
    if doc["pair"]:
        for text in wrap("合并订单：" + "、".join(doc["pair"]), width - 2 * margin, 10 * k)[:3]:
            y -= 5 * mm * k
            c.drawString(margin, y, text)


def _rule(c, width, y, margin):
    c.setLineWidth(0.6)
    c.line(margin, y, width - margin, y)
    return y
