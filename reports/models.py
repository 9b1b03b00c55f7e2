"""Reports (R40, R41), the scheduled jobs and the backups (R44, R45).

The models live in their concepts' packages and are re-exported here: one app label."""

# --- statistics (R40) and the monthly complaint summary (R41) ---
from reports.complaints.models import ComplaintSummary  # noqa: F401
from reports.statistics.models import Snapshot, Source, YearlyStatistics  # noqa: F401

# --- The scheduled jobs and the backups (R44, R45) ------------------------------------------
from .backups.models import Backup  # noqa: E402, F401
from .jobs.models import JobRun  # noqa: E402, F401
