"""The reports app's rows of the role table (core.roles): administrators watch the scheduled
jobs, make backups on demand and are told when a job, a backup or its restore drill fails
(R44, R45). None of these is a duty (an approval or a signature): the administrator keeps them."""

from core.roles import Role, register

# --- The scheduled jobs and the backups (R44, R45) ------------------------------------------
register(
    {
        Role.ADMIN: [
            "reports.view_backup",
            "reports.run_backup",
            "reports.view_jobrun",
            "reports.watch_jobs",
        ],
    }
)
