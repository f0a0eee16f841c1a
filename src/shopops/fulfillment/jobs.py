"""The warehouse line's periodic jobs: each step registers its own from its jobs_* module
(review batches and the end-of-day list; shipping summaries)."""

from . import jobs_review, jobs_shipping  # noqa: F401
