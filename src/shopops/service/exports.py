"""xlsx files of the customer-service exports (segments, consultation and deal logs)."""

from io import BytesIO


def xlsx(headers, rows, *, title, widths=()) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append(list(headers))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(list(row))
    for index, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + index)].width = width
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
