"""The managers' approvals inbox: everything awaiting a decision, across the records."""
