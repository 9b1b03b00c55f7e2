from django.conf import settings

from . import navigation as nav
from .roles import roles_of


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"company_name": settings.ARCHIVE_COMPANY_NAME}
    return {
        "company_name": settings.ARCHIVE_COMPANY_NAME,
        "nav_html": nav.menu_html(user, request.path),
        "user_roles": roles_of(user),
        # one COUNT per page, for the bell in the header
        "unread_notifications": user.notifications.filter(read_at__isnull=True).count(),
    }
