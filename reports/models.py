"""Reports (R40, R41), the scheduled jobs and the backups (R44, R45).

The models live in their concepts' packages and are re-exported here: one app label."""
