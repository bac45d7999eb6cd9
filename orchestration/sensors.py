"""A sensor that loads and refreshes when new raw files land in the inbox.

The inbox is ``$WAREHOUSE_INBOX_DIR`` (default ``data/inbox``). Files named
``<schema>.<table>.csv|parquet`` that have not changed for
``$WAREHOUSE_INBOX_SETTLE_SECONDS`` (default 30, so a file still being copied
is not read half-way) make one run of ``load_and_refresh``. The run key is a
fingerprint of the files' names, sizes and modification times: the same drop
never starts two runs, however often the sensor ticks. The run moves the files
to ``_loaded/<run id>/`` (or ``_rejected/<run id>/`` when the loader refuses them).
"""

import hashlib
import os
import time

from dagster import (
    DefaultSensorStatus,
    RunRequest,
    SensorEvaluationContext,
    SkipReason,
    sensor,
)

from orchestration.jobs import LOAD_AND_REFRESH, load_config
from orchestration.published_asset import TRIGGER_TAG
from orchestration.raw_assets import data_files
from support_success import paths

SENSOR_NAME = "raw_inbox_sensor"
SETTLE_ENV = "WAREHOUSE_INBOX_SETTLE_SECONDS"


def inbox_run_request(now: float | None = None) -> RunRequest | SkipReason:
    """What the sensor asks for, given the inbox as it is now (a plain, testable function)."""
    inbox = paths.inbox_dir()
    now = time.time() if now is None else now
    settle = float(os.environ.get(SETTLE_ENV, "30"))
    files = data_files(inbox)
    if not files:
        return SkipReason(f"No raw files waiting in {inbox}.")
    stats = {p.name: p.stat() for p in files}
    settling = [name for name, st in stats.items() if now - st.st_mtime < settle]
    if settling:
        return SkipReason(
            f"Waiting for {', '.join(settling)} to stop changing ({settle:.0f}s) before loading."
        )
    fingerprint = hashlib.sha256(
        "\n".join(
            f"{name}:{st.st_size}:{st.st_mtime_ns}" for name, st in sorted(stats.items())
        ).encode()
    ).hexdigest()[:20]
    names = sorted(stats)
    return RunRequest(
        run_key=f"inbox-{fingerprint}",
        job_name=LOAD_AND_REFRESH,
        run_config=load_config(files=names, folder=str(inbox), mode="append"),
        tags={
            TRIGGER_TAG: f"sensor:{SENSOR_NAME}",
            "warehouse/inbox_files": str(len(names)),
        },
    )


def build_raw_inbox_sensor(job):
    @sensor(
        name=SENSOR_NAME,
        job=job,
        minimum_interval_seconds=60,
        default_status=DefaultSensorStatus.STOPPED,
        description="Load and refresh when new <schema>.<table> files land in the raw inbox.",
    )
    def raw_inbox_sensor(context: SensorEvaluationContext):
        return inbox_run_request()

    return raw_inbox_sensor
