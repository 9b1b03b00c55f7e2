"""R21 in the Django admin: opening a confidential object there is logged as on the app's pages.

The admin pages of one object (the change page, which the read-only admins show as a view,
its history and an old version) write a view to the access log when the object is
confidential. Each admin says which of its objects are, with ``is_confidential_read(obj)``
(a record of a confidential dossier, a document of a higher level …), so the rule stays in the
app's ``permissions.py``.
"""

from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError

from .models import AccessLog
from .services import log_access


class ConfidentialReadsAdminMixin:
    """Put it before the ModelAdmin base: ``class LeaseAdmin(ConfidentialReadsAdminMixin, …)``."""

    def is_confidential_read(self, obj) -> bool:
        return False

    def log_confidential_read(self, request, object_id):
        """Log the read of the object ``object_id`` if the user may see it (the admin's own
        queryset, filtered by the permission gate) and it is confidential."""
        try:
            obj = self.get_queryset(request).filter(pk=unquote(object_id)).first()
        except (ValueError, TypeError, ValidationError):  # not a primary key: the admin says so
            return None
        if obj is not None and self.is_confidential_read(obj):
            log_access(request.user, obj, AccessLog.Action.VIEW, request=request)
        return obj

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self.log_confidential_read(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self.log_confidential_read(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self.log_confidential_read(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)
