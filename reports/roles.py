"""The reports app's rows of the role table (core.roles).

--- statistics (R40) and the monthly complaint summary (R41) ---
The yearly statistics are the archive's: the archive room compiles them (档案员统计), managers
(the customer-service heads) and executives (the company's head) read them; the monthly
complaint summary is customer service's: the front desk (who make the return visits), managers
and executives read it, managers compile it. Administrators read both: they run the schedule
that computes them. The executives are told of each yearly snapshot (with the archive-room
head, ``lending.lead_archive_room``); managers of each monthly summary. None of these is an
approval, verification, decision or signature: no duty.

--- the scheduled jobs and the backups (R44, R45) ---
Administrators watch the scheduled jobs, make backups on demand and are told when a job, a
backup or its restore drill fails; no duty either: the administrator keeps them.
"""

from core.roles import Role, register

VIEW_STATISTICS = "reports.view_yearlystatistics"
COMPILE_STATISTICS = "reports.compile_yearlystatistics"
RECEIVE_STATISTICS = "reports.receive_yearlystatistics"
VIEW_COMPLAINTS = "reports.view_complaintsummary"
COMPILE_COMPLAINTS = "reports.compile_complaintsummary"
RECEIVE_COMPLAINTS = "reports.receive_complaintsummary"

register(
    {
        Role.FRONT_DESK: [VIEW_COMPLAINTS],
        Role.MANAGER: [VIEW_STATISTICS, VIEW_COMPLAINTS, COMPILE_COMPLAINTS, RECEIVE_COMPLAINTS],
        Role.ARCHIVIST: [VIEW_STATISTICS, COMPILE_STATISTICS],
        Role.EXECUTIVE: [VIEW_STATISTICS, RECEIVE_STATISTICS, VIEW_COMPLAINTS],
        Role.ADMIN: [
            VIEW_STATISTICS,
            VIEW_COMPLAINTS,
            # --- the scheduled jobs and the backups (R44, R45) ---
            "reports.view_backup",
            "reports.run_backup",
            "reports.view_jobrun",
            "reports.watch_jobs",
        ],
    }
)
