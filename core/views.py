from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language

from . import health, permissions, services, worklist
from .filters import AccessLogFilter
from .models import AccessLog, Notification
from .roles import roles_of
from .validators import is_pk


@login_not_required
def set_language(request):
    """Django's language switch (the cookie), and for a person logged in their choice kept
    with them: their e-mails are then written in it too."""
    response = django_set_language(request)
    code = request.POST.get("language", "") if request.method == "POST" else ""
    user = request.user
    if user.is_authenticated and code in dict(settings.LANGUAGES) and user.language != code:
        get_user_model().objects.filter(pk=user.pk).update(language=code)
    return response


@require_GET
def bench_hello(request):
    """The baseline of bench/run: a page that does nothing, behind the same middleware as every
    other (session, user, timeout, CSP). Routed only when BENCH_HELLO is set."""
    return HttpResponse("hello", content_type="text/plain")


@login_not_required
@never_cache
@require_GET
def healthz(request):
    db_ok, db_state = health.database_status()
    broker_ok, broker_state = health.broker_status()
    # Only the database decides the code (a load balancer keeps the node while it answers);
    # a broker that is down makes the node "degraded": requests work, e-mails wait.
    return JsonResponse(
        {
            "status": health.overall_status(db_ok=db_ok, broker_ok=broker_ok),
            "database": db_state,
            "broker": broker_state,
            "time": timezone.now().isoformat(),
        },
        status=200 if db_ok else 503,
    )


HOME_ITEMS = 5  # the first items of each section; its "all N" link opens the full list


def home(request):
    """A work list: what waits for this person, each section with its count, its first items
    and a link to the full list (``core.worklist``), and the search box."""
    user = request.user
    recent = list(
        Notification.objects.for_user(user)
        .filter(read_at__isnull=True)
        .order_by("-created_at")[:HOME_ITEMS]
    )
    context = {
        "roles": roles_of(user),
        "sections": worklist.sections_for(user, limit=HOME_ITEMS),
        "recent_notifications": recent,
        "today": timezone.localdate(),
        "search": worklist.search_for(user),
        "show_access_log": permissions.can(user, "core.view_accesslog"),
    }
    if context["show_access_log"]:
        context["recent_access"] = list(
            AccessLog.objects.select_related("user", "content_type")[:5]
        )
    return render(request, "core/home.html", context)


def notification_list(request):
    qs = Notification.objects.for_user(request.user).order_by("-created_at", "-pk")
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "core/notification_list.html", {"page_obj": page})


@require_POST
def notification_mark_read(request):
    typed = request.POST.getlist("id")
    if not all(is_pk(i) for i in typed):  # a forged or mangled form
        messages.error(
            request, _("Nothing was marked as read: the form named no valid notification.")
        )
        return redirect("core:notifications")
    ids = [int(i) for i in typed] or None  # no id: all of them
    count = services.notification_mark_read(user=request.user, notification_ids=ids)
    messages.success(request, _("%(count)d notification(s) marked as read.") % {"count": count})
    return redirect("core:notifications")


def access_log(request):
    permissions.require(request.user, "core.view_accesslog", request=request)
    qs = AccessLog.objects.select_related("user", "content_type")
    filterset = AccessLogFilter(request.GET, queryset=qs)
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    return render(request, "core/accesslog_list.html", {"filter": filterset, "page_obj": page})
