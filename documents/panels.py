"""The documents panel of the dossier page (registered in DocumentsConfig.ready)."""

from core import permissions as gate

from . import permissions, selectors


def document_panel(*, dossier, user):
    """The dossier page's documents panel (registered in DocumentsConfig.ready). The page has
    logged the view of a confidential dossier; a confidential document it lists is logged here
    (R21)."""
    if not gate.can(user, "documents.view_document"):
        return None
    catalog = list(selectors.dossier_catalog(dossier=dossier, user=user)[:10])
    permissions.log_documents_shown(user, catalog, dossier_logged=True)
    return {
        "template": "documents/partials/dossier_panel.html",
        "dossier": dossier,
        "documents": catalog,
        "gaps": selectors.dossier_gaps(dossier),
        "can_add": gate.can(user, "documents.add_document"),
    }
