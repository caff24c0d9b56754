"""What an operator graphs and alerts on, for Prometheus: requests, mail, answers, jobs, sign-ins.

Counted in each process (requests, deliveries, jobs, sign-in failures) with prometheus-client;
under `serve --workers N` every worker writes to files in `PROMETHEUS_MULTIPROC_DIR` and a scrape
of any one of them adds all of them up (the library's multiprocess mode). Figures the database
already holds (the outbox by state, the age of the oldest message due, the answers recorded) are
read from it when scraped, so every process reports the same numbers. No label ever carries a
name, an address, a token or a path with a token in it: requests are labelled by route template.
"""

import os
from collections.abc import Callable, Iterable, Mapping
from typing import cast

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

METRICS_CONTENT_TYPE = CONTENT_TYPE_LATEST
MULTIPROCESS_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"

http_requests = Counter(
    "cpc_http_requests",
    "Requests answered, by route template, method and status.",
    ["route", "method", "status"],
)
http_request_seconds = Histogram(
    "cpc_http_request_duration_seconds",
    "Time to answer a request, by route template and method.",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
deliveries = Counter(
    "cpc_deliveries",
    "Attempts to deliver a message, by channel and result (sent, temporary_failure, "
    "permanent_failure).",
    ["channel", "result"],
)
job_runs = Counter("cpc_job_runs", "Runs of the scheduled jobs.")
job_failures = Counter("cpc_job_failures", "Runs of the scheduled jobs that failed.")
job_items = Counter("cpc_job_items", "Things the scheduled jobs did, by job.", ["job"])
sign_in_failures = Counter(
    "cpc_sign_in_failures",
    "Staff sign-ins refused, by reason (password, one_time_code, waiting).",
    ["reason"],
)


class DatabaseFigures(Collector):
    """The figures read from the database for one scrape."""

    def __init__(
        self,
        *,
        outbox: Mapping[tuple[str, str], int],
        oldest_due_age_seconds: float,
        answers: Mapping[tuple[str, str], int],
    ) -> None:
        self.outbox = outbox
        self.oldest_due_age_seconds = oldest_due_age_seconds
        self.answers = answers

    def collect(self) -> Iterable[Metric]:
        """The outbox by channel and state, its oldest due message's age, answers recorded."""
        messages = GaugeMetricFamily(
            "cpc_outbox_messages", "Messages in the outbox, by channel and state.",
            labels=["channel", "state"],
        )  # fmt: skip
        for (channel, state), count in sorted(self.outbox.items()):
            messages.add_metric([channel, state], count)
        yield messages
        yield GaugeMetricFamily(
            "cpc_outbox_oldest_due_age_seconds",
            "How long the oldest message due for sending has waited (0 when none waits).",
            value=self.oldest_due_age_seconds,
        )
        answers = CounterMetricFamily(
            "cpc_consent_answers",
            "Answers recorded (changes of mind included), by answer and channel.",
            labels=["answer", "channel"],
        )
        for (answer, channel), count in sorted(self.answers.items()):
            answers.add_metric([answer, channel], count)
        yield answers


def exposition(figures: DatabaseFigures) -> bytes:
    """Every metric in Prometheus' text format: this process's (or all workers') and the
    database's."""
    registry = CollectorRegistry()
    if os.environ.get(MULTIPROCESS_DIR_VARIABLE):
        # The library leaves this constructor unannotated; it registers itself on `registry`.
        add_every_worker = cast(Callable[[CollectorRegistry], object], MultiProcessCollector)
        add_every_worker(registry)
        counted = generate_latest(registry)
    else:
        counted = generate_latest(REGISTRY)
    read = CollectorRegistry()
    read.register(figures)
    return counted + generate_latest(read)
