"""汇总单 (A4): what the picker walks with — every (location, SKU) of the run in walk
order with the total quantity and the order positions to sort it into."""

from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .fonts import chinese_font
from .styles import style


def write(path, docs):
    wave, run = docs["wave"], docs["run"]
    title = "汇总单" + ("（重打）" if run.kind == "reprint" else "")
    story = [
        Paragraph(f"{title}　波次 {wave.number}", style(18)),
        Paragraph(escape(f"仓库：{wave.warehouse.name}　打印批号：{run.number}　"
                         f"打印：{docs['printed_by']} {docs['printed_at']}　"
                         f"订单数：{len(docs['orders'])}"), style(10)),
        Spacer(1, 4 * mm),
    ]
    cell = style(9)
    data = [["库位", "商家编码", "商品 / 规格", "条码", "数量", "订单序号"]]
    for row in docs["pick_rows"]:
        data.append([Paragraph(escape(row["location"]), cell), Paragraph(escape(row["code"]), cell),
                     Paragraph(escape(f"{row['title']} {row['spec']}"), cell),
                     Paragraph(escape(row["barcode"]), cell), str(row["quantity"]),
                     Paragraph(", ".join(str(p) for p in sorted(row["positions"])), cell)])
    total = sum(r["quantity"] for r in docs["pick_rows"])
    data.append(["合计", f"{len({r['code'] for r in docs['pick_rows']})} 个SKU", "", "",
                 str(total), f"{len(docs['orders'])} 单"])
    table = Table(data, colWidths=[24 * mm, 30 * mm, 58 * mm, 30 * mm, 14 * mm, 30 * mm],
                  repeatRows=1)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), chinese_font(), 9),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#f5f5f5")),
        ("ALIGN", (4, 0), (4, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))
    story.append(table)
    SimpleDocTemplate(str(path), pagesize=A4, leftMargin=12 * mm, rightMargin=12 * mm,
                      topMargin=12 * mm, bottomMargin=12 * mm, title=f"汇总单 {wave.number}",
                      author=docs["printed_by"]).build(story)
