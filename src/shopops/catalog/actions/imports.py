"""Bulk import (CAT-9): upload → check every row → preview → confirm → all or nothing.

    job = start_import(actor=, kind="products", upload=file)   # parses in the background
    confirm_import(actor=, job=job)                             # applies in the background

Parsing and applying run as background tasks (catalog/tasks.py) and report progress in
ImportJob.done_rows/total_rows, which the page polls. The file is kept with the job, and
its rows beside it (<file>.rows.json) once read. Applying re-checks every row against the
database as it is then, and writes inside ONE transaction — an error anywhere (a row
that went bad since the preview, a unique constraint, the ledger refusing) rolls
everything back and marks the job failed with the reason. `background=False` does the
work at once (demo data, the benchmark).
"""

import json
import logging
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.utils import timezone

from shopops.core import events
from shopops.core.access import require
from shopops.core.errors import UserError
from shopops.core.registry import setting
from shopops.core.states import transition

from ..importing import columns, readers, validate
from ..importing import prices as price_rows
from ..importing import products as product_rows
from ..importing import stock as stock_rows
from ..models import ImportJob

logger = logging.getLogger("shopops.catalog.imports")

S = ImportJob.State
MOVES = {
    S.PARSING: {S.PREVIEW, S.INVALID, S.FAILED},
    S.PREVIEW: {S.APPLYING},
    S.APPLYING: {S.DONE, S.FAILED},
}
EXTENSIONS = {".xlsx", ".csv", ".txt", ".tsv"}
# A guard against a wrong file, not a business rule: 50,000 rows of xlsx are ~5 MB.
MAX_UPLOAD_BYTES = 30 * 1024 * 1024
APPLIERS = {"products": product_rows.apply, "prices": price_rows.apply, "stock": stock_rows.apply}


def _require(actor, kind):
    require(actor, "catalog.import")
    if kind == ImportJob.Kind.STOCK:
        # Setting counted quantities is a stocktake (INV-3).
        require(actor, "inventory.stocktake")


@transaction.atomic
def start_import(*, actor, kind: str, upload, background: bool = True) -> ImportJob:
    """Keep the uploaded file with a new job and have it checked."""
    if kind not in ImportJob.Kind.values:
        raise UserError("bad_import_kind", "请选择导入类型（商品、价格或库存）",
                        "Choose what to import: products, prices or stock")
    _require(actor, kind)
    if upload is None or not getattr(upload, "size", 0):
        raise UserError("no_file", "请选择要导入的文件", "Choose a file to import")
    name = Path(upload.name or "").name
    suffix = Path(name).suffix.lower()
    if suffix == ".xls":
        raise UserError("xls_not_supported", "不支持旧版 Excel（.xls）文件，请另存为 .xlsx 或 CSV 后再导入",
                        "Old .xls files are not supported; save as .xlsx or CSV")
    if suffix not in EXTENSIONS:
        raise UserError("bad_file_type", "只能导入 .xlsx 或 .csv 文件：{name}",
                        "Only .xlsx or .csv files can be imported: {name}", name=name)
    if upload.size > MAX_UPLOAD_BYTES:
        raise UserError("file_too_large", "文件太大（{mb} MB），请拆分后分批导入",
                        "The file is too large ({mb} MB); split it", mb=upload.size // 1048576)
    job = ImportJob(kind=kind, original_name=name[:200], created_by=actor)
    job.file.save(name, upload, save=False)
    job.save()
    events.record(actor=actor, verb="import.uploaded", obj=job,
                  summary=f"上传{columns.KIND_LABELS[kind]}导入文件：{name}",
                  data={"kind": kind, "file": job.file.name, "size": upload.size})
    if background:
        from .. import tasks

        transaction.on_commit(lambda: tasks.parse_import.enqueue(job.pk))
    else:
        run_parse(job_id=job.pk)
        job.refresh_from_db()
    return job


def _progress(job_id):
    def report(done: int):
        ImportJob.objects.filter(pk=job_id).update(done_rows=done)

    return report


def _rows_name(job) -> str:
    return f"{job.file.name}.rows.json"


def _read(job) -> readers.Table:
    """The file's rows: read from the file once, then from the rows kept beside it (the
    apply step re-checks them without parsing the spreadsheet again)."""
    storage = job.file.storage
    if storage.exists(_rows_name(job)):
        with storage.open(_rows_name(job), "rb") as handle:
            kept = json.loads(handle.read().decode("utf-8"))
        return readers.Table(headers=kept["headers"], header_row=kept["header_row"],
                             rows=[(n, cells) for n, cells in kept["rows"]])
    with job.file.open("rb") as handle:
        data = handle.read()
    table = readers.read_table(data, job.original_name,
                               max_rows=setting("catalog.import_max_rows"))
    kept = {"headers": table.headers, "header_row": table.header_row, "rows": table.rows}
    storage.save(_rows_name(job), ContentFile(json.dumps(kept, ensure_ascii=False).encode()))
    return table


def _file_error(exc: UserError) -> list[dict]:
    return [{"row": 0, "column": "", "message": exc.message, "message_en": exc.message_en}]


def run_parse(*, job_id: int):
    """Check every row (background task). Ends in 待确认 (preview) or 有错误 (invalid)."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.state != S.PARSING:
        return  # a task delivered twice
    try:
        table = _read(job)
        ImportJob.objects.filter(pk=job.pk).update(total_rows=len(table.rows), done_rows=0)
        job.total_rows = len(table.rows)
        result = validate.check(job.kind, table, actor=job.created_by,
                                progress=_progress(job.pk))
    except UserError as exc:
        return _previewed(job, S.INVALID, errors=_file_error(exc), summary={})
    except Exception:  # noqa: BLE001 — a bug must not leave the job "parsing" for ever
        logger.exception("import job %s: parsing failed", job.pk)
        return _failed(job, "解析文件时发生内部错误，请联系系统管理员。",
                       "Internal error while reading the file.")
    summary = {"counts": result.summary, "notices": result.notices}
    _previewed(job, S.PREVIEW if result.ok else S.INVALID, errors=result.errors,
               summary=summary)


@transaction.atomic
def _previewed(job, state, *, errors, summary):
    transition(job, state, MOVES, errors=errors, summary=summary, done_rows=job.total_rows)
    bad_rows = len({e["row"] for e in errors})
    counts = summary.get("counts", {})
    events.record(actor=job.created_by, verb="import.previewed", obj=job,
                  summary=f"导入预检：{job.total_rows} 行，{bad_rows} 行有错误"
                          if errors else f"导入预检通过：{job.total_rows} 行",
                  data={"kind": job.kind, "rows": job.total_rows, "bad_rows": bad_rows,
                        "errors": len(errors), "counts": counts})


@transaction.atomic
def confirm_import(*, actor, job: ImportJob, background: bool = True) -> ImportJob:
    """确认导入: queue the all-or-nothing apply of a job whose preview showed no error."""
    _require(actor, job.kind)
    summary = {**job.summary, "confirmed_by": actor.pk}
    transition(job, S.APPLYING, MOVES, done_rows=0, summary=summary)
    events.record(actor=actor, verb="import.confirmed", obj=job,
                  summary=f"确认导入 {job.original_name}（{job.total_rows} 行）",
                  data={"kind": job.kind, "rows": job.total_rows})
    if background:
        from .. import tasks

        transaction.on_commit(lambda: tasks.apply_import.enqueue(job.pk))
    else:
        run_apply(job_id=job.pk)
        job.refresh_from_db()
    return job


def run_apply(*, job_id: int):
    """Re-check and write (background task). Ends in 已导入 (done) or 失败 (failed)."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.state != S.APPLYING:
        return
    from django.contrib.auth import get_user_model

    actor = (get_user_model().objects.filter(pk=job.summary.get("confirmed_by")).first()
             or job.created_by)
    try:
        result = validate.check(job.kind, _read(job), actor=actor, progress=_progress(job.pk))
        if not result.ok:
            return _failed(job, "预览之后数据已有变化，本次导入未做任何修改，请重新上传检查。",
                           "The data changed since the preview; nothing was imported.",
                           errors=result.errors)
        with transaction.atomic():
            counts = APPLIERS[job.kind](result.plan, actor=actor, job=job)
            _applied(job, actor, counts, result)
    except UserError as exc:
        return _failed(job, f"导入失败，未做任何修改：{exc.message}",
                       f"Import failed, nothing changed: {exc.message_en}")
    except DatabaseError as exc:
        logger.warning("import job %s: database refused the import: %s", job.pk, exc)
        return _failed(job, "导入与其他人的修改冲突（如条码或商家编码刚被占用），未做任何修改，请重新上传。",
                       "The import conflicted with another change; nothing was imported.")
    except Exception:  # noqa: BLE001
        logger.exception("import job %s: applying failed", job.pk)
        return _failed(job, "导入时发生内部错误，未做任何修改，请联系系统管理员。",
                       "Internal error; nothing was imported.")


def _applied(job, actor, counts, result):
    summary = {**job.summary, "counts": result.summary, "applied": counts}
    transition(job, S.DONE, MOVES, done_rows=job.total_rows, finished_at=timezone.now(),
               summary=summary)
    events.record(actor=actor, verb="import.applied", obj=job,
                  summary=f"批量导入{columns.KIND_LABELS[job.kind]}完成：{job.original_name}，"
                          f"{job.total_rows} 行",
                  data={"kind": job.kind, "rows": job.total_rows, "counts": counts})


@transaction.atomic
def _failed(job, reason, reason_en, errors=None):
    job.refresh_from_db(fields=["state", "summary"])
    summary = {**job.summary, "failure": reason, "failure_en": reason_en}
    transition(job, S.FAILED, MOVES, finished_at=timezone.now(), summary=summary,
               errors=errors if errors is not None else job.errors)
    events.record(actor=job.created_by, verb="import.failed", obj=job,
                  summary=f"批量导入失败：{job.original_name}：{reason}"[:500],
                  data={"kind": job.kind, "reason": reason, "errors": len(errors or [])})


# --- export (audited, ROLE-4) -------------------------------------------------------------


def export_catalog(*, actor, kind: str, fmt: str = "xlsx", encoding: str = "utf-8-sig",
                   filters: dict | None = None):
    """Record who exported what (catalog.exported) and return the rows to write:
    an export.Sheet, written by the caller with export.csv_chunks or export.xlsx_file."""
    from ..importing import export

    require(actor, "catalog.export")
    if kind not in export.SHEETS:
        raise UserError("bad_export_kind", "请选择导出内容（商品、价格或库存）",
                        "Choose what to export: products, prices or stock")
    if kind == ImportJob.Kind.STOCK:
        require(actor, "inventory.view")
    if fmt not in export.FORMATS or (fmt == "csv" and encoding not in export.ENCODINGS):
        raise UserError("bad_export_format", "请选择导出格式（xlsx 或 CSV 及其编码）",
                        "Choose the format: xlsx, or CSV with its encoding")
    filters = _export_filters(filters or {})
    sheet = export.SHEETS[kind](filters)
    events.record(actor=actor, verb="catalog.exported", object_type="catalog.export",
                  object_repr=f"导出{columns.KIND_LABELS[kind]}",
                  summary=f"导出{columns.KIND_LABELS[kind]}：{sheet.count} 行（{fmt}"
                          + (f"，{encoding}" if fmt == "csv" else "") + "）",
                  data={"kind": kind, "format": fmt, "encoding": encoding if fmt == "csv" else "",
                        "filters": filters, "rows": sheet.count})
    return sheet


def _export_filters(given: dict) -> dict:
    from ..models import Product

    filters = {}
    for key in ("category", "brand", "warehouse", "channel", "status"):
        value = str(given.get(key) or "").strip()
        if not value:
            continue
        if key == "status":
            ok = value in Product.Status.values
        elif key == "channel" and value == "base":
            ok = True
        else:
            ok = value.isdigit()
            value = int(value) if ok else value
        if not ok:
            raise UserError("bad_export_filter", "筛选条件无效：{value}", "Invalid filter: {value}",
                            value=value)
        filters[key] = value
    return filters
