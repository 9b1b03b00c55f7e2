from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Documents and storage")

    def ready(self):
        from core.navigation import NavItem, register
        from customers import panels

        from .handover import services  # noqa: F401  (declares the handover's moves)
        from .panels import document_panel
        from .record_links import record_documents_panel

        panels.register(document_panel, order=10)
        # what waits for a person, on the home page
        from . import worklist

        worklist.register()
        panels.register_record_panel(record_documents_panel, order=10)

        register(
            NavItem(
                _("Filing"),
                "documents:filing",
                icon="archive",
                order=50,
                perm="documents.file_document",
            ),
            NavItem(
                _("Storage"),
                "documents:location_index",
                icon="bookshelf",
                order=60,
                perm="documents.view_box",
            ),
            NavItem(
                _("Find a document"),
                "documents:location_find",
                icon="search",
                order=65,
                perm="documents.view_document",
            ),
            NavItem(
                _("Handovers"),
                "documents:handover_list",
                icon="arrow-left-right",
                order=70,
                perm="documents.view_handover",
            ),
            NavItem(
                _("Missing documents"),
                "documents:gaps",
                icon="ui-checks",
                order=80,
                perm="documents.view_document",
            ),
            NavItem(
                _("Inspections"),
                "documents:inspection_list",
                icon="clipboard-check",
                order=90,
                perm="documents.view_storageinspection",
            ),
            NavItem(
                _("Moved-out catalog"),
                "documents:moved_out_catalog",
                icon="printer",
                order=95,
                perm="documents.view_document",
            ),
        )
