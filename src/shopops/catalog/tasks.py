"""Background work of the catalog (Django's tasks API; django-tasks-db runs them in the
worker, which `shopops serve` starts in-process). A task takes only the job's id: the
job row and its stored file hold everything else, so a task delivered twice finds the
job already moved on and does nothing."""

from django.tasks import task


@task
def parse_import(job_id: int):
    """Read and check every row of an uploaded import file (CAT-9)."""
    from .actions.imports import run_parse

    run_parse(job_id=job_id)


@task
def apply_import(job_id: int):
    """Apply a confirmed import, all or nothing (CAT-9)."""
    from .actions.imports import run_apply

    run_apply(job_id=job_id)
