"""The template files offered on the import page (catalog/samples/<kind>.xlsx): the
headers the import reads, two example rows, and a second sheet explaining each column.

The files are generated from columns.py (`python -m shopops.catalog.importing.samples`
rewrites them); the page generates one on the fly if the file is missing.
"""

import io
from pathlib import Path

from . import columns as cols

SAMPLES_DIR = Path(__file__).resolve().parent.parent / "samples"

PRODUCT_HEADERS = [c.header for c in cols.PRODUCT_COLUMNS]
PRODUCT_HEADERS.insert(PRODUCT_HEADERS.index("重量(克)"), "规格:面料")

EXAMPLES = {
    "products": (PRODUCT_HEADERS, [
        ["LY2026-018", "法式碎花雪纺连衣裙 2026夏季新款", "女装/连衣裙", "五步", "S0001",
         "LY2026-018-BLU-M", "6901234567892", "雾霾蓝", "M", "雪纺", 320, "89.00", "299.00"],
        ["LY2026-018", "法式碎花雪纺连衣裙 2026夏季新款", "女装/连衣裙", "五步", "S0001",
         "LY2026-018-BLU-L", "6901234567908", "雾霾蓝", "L", "雪纺", 335, "89.00", "299.00"],
    ]),
    "prices": ([c.header for c in cols.PRICE_COLUMNS], [
        ["LY2026-018-BLU-M", "", "279.00", "LY2026-018", "法式碎花雪纺连衣裙", "颜色:雾霾蓝 / 尺码:M"],
        ["LY2026-018-BLU-M", "天猫旗舰店", "289.00", "LY2026-018", "法式碎花雪纺连衣裙",
         "颜色:雾霾蓝 / 尺码:M"],
    ]),
    "stock": ([c.header for c in cols.STOCK_COLUMNS], [
        ["LY2026-018-BLU-M", "6901234567892", "杭州主仓", "A-01-03", 120, "", "", "", ""],
        ["LY2026-018-BLU-L", "", "上海南京路分店", "", 8, "", "", "", ""],
    ]),
}

NOTES = {
    "products": [
        "每行一个SKU；款号相同的行属于同一个商品。",
        "类目填写完整路径（如 女装/连衣裙），品牌、供应商编码须已在基础资料中建立；导入不会新建类目。",
        "条码：EAN-13/EAN-8/UPC-A 须校验位正确，也可用店内 Code128 编码；文件内及系统内都不能重复。",
        "颜色、尺码之外的规格，增加一列「规格:名称」，如「规格:面料」。",
        "空白单元格表示不修改；新商品为草稿状态。已在售商品的售价须用「价格」导入走调价审批。",
    ],
    "prices": [
        "渠道留空表示基准售价；否则填写渠道编码或名称。",
        "价格导入不会直接改价：为每个商品生成一份调价申请，经部门经理审批后由网站编辑执行（CAT-4）。",
        "款号、商品标题、规格三列仅供查看，导入时忽略。",
    ],
    "stock": [
        "填写实盘数量：系统按「实盘数量 − 账面数量」记一笔盘点调整（库存流水）。",
        "商家编码和条码至少填一项；仓库填写编码或名称；库位可留空（整仓数量）。",
        "款号、商品标题、规格、已占用仅供查看，导入时忽略。",
    ],
}


def build(kind: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    headers, rows = EXAMPLES[kind]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = cols.KIND_LABELS[kind].replace("与", "")
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for column in sheet.columns:
        for cell in column:
            if isinstance(cell.value, str):
                cell.number_format = "@"
        sheet.column_dimensions[column[0].column_letter].width = 16
    notes = workbook.create_sheet("填写说明")
    notes.append(["列", "必填", "也可写作"])
    by_header = {c.header: c for c in cols.COLUMNS[kind]}
    for header in headers:
        column = by_header.get(header)
        if column is None:
            notes.append([header, "", "其他规格列：规格:名称"])
        elif column.kind == cols.INFO:
            notes.append([header, "仅供查看", "、".join(column.aliases)])
        else:
            notes.append([header, "是" if column.required else "", "、".join(column.aliases)])
    notes.append([])
    for line in NOTES[kind]:
        notes.append([line])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def path(kind: str) -> Path:
    return SAMPLES_DIR / f"{kind}.xlsx"


def content(kind: str) -> bytes:
    file = path(kind)
    return file.read_bytes() if file.exists() else build(kind)


def write_all():
    SAMPLES_DIR.mkdir(exist_ok=True)
    for kind in EXAMPLES:
        path(kind).write_bytes(build(kind))


if __name__ == "__main__":
    write_all()
