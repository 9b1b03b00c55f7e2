"""The documents panel of the dossier page (registered in DocumentsConfig.ready)."""

from . import selectors


def document_panel(*, dossier, user):
    """The dossier page's documents panel (registered in DocumentsConfig.ready)."""
    if not user.has_perm("documents.view_document"):
        return None
    catalog = list(selectors.dossier_catalog(dossier=dossier, user=user)[:10])
    return {
        "template": "documents/partials/dossier_panel.html",
        "dossier": dossier,
        "documents": catalog,
        "gaps": selectors.dossier_gaps(dossier),
        "can_add": user.has_perm("documents.add_document"),
    }
