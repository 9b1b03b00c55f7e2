"""A small app, installed only by its own settings, that extends the archive the way a new
workflow app does: a timeline kind, a role permission and a dossier panel, registered from its
own code. It proves that nothing below it (core, customers, records, documents) has to change
for that (docs/ARCHITECTURE.md, "Registries"). Run by tests/core/test_registries.py."""
