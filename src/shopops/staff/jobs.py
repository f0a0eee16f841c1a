"""Staff periodic jobs: each part registers its own from its jobs_* module."""

from . import jobs_attendance, jobs_meetings, jobs_scores  # noqa: F401
