from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import clearance
from .admin_base import LargeTableAdminMixin
from .lines import Line
from .models import AccessLog, Notification, User
from .permissions import describe
from .roles import Role
from .workflow import DomainError


@admin.register(Notification)
class NotificationAdmin(LargeTableAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "recipient", "message", "read_at", "emailed_at"]
    list_filter = ["read_at", "created_at"]
    search_fields = ["message", "recipient__username"]
    list_select_related = ["recipient"]
    readonly_fields = ["recipient", "message", "link", "created_at", "read_at", "emailed_at"]
    fields = readonly_fields

    def get_queryset(self, request):
        # R17: a message about a dossier the admin may not see stays out of the admin too
        return Notification.objects.visible_to(request.user).select_related("recipient")

    def has_add_permission(self, request):
        return False


@admin.register(AccessLog)
class AccessLogAdmin(LargeTableAdminMixin, admin.ModelAdmin):
    """Evidence of who read what (R21): viewable, never added, changed or deleted."""

    list_display = [
        "at",
        "user",
        "action",
        "content_type",
        "object_repr",
        "what",
        "reason",
        "ip_address",
    ]
    list_filter = ["action", "content_type", "at"]
    search_fields = ["object_repr", "reason", "user__username", "detail"]
    list_select_related = ["user", "content_type"]
    readonly_fields = ["what"]

    @admin.display(description=_("what"))
    def what(self, obj):
        return obj.what

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class UserChangeForm(DjangoUserChangeForm):
    """R28: an account whose holder still has something of the archive (a loan out, copies
    held) is not deactivated; what they hold is listed beside "active"."""

    def clean(self):
        cleaned = super().clean()
        # the instance still has the stored values here (the form applies them after clean)
        leaving = "is_active" in self.fields and not cleaned.get("is_active", True)
        if leaving and self.instance.pk and self.instance.is_active:
            lines = clearance.holdings_of(self.instance)
            if lines:
                self.add_error("is_active", clearance.clearance_message(lines))
        return cleaned


@admin.register(User)
class UserAdmin(LargeTableAdminMixin, DjangoUserAdmin):
    form = UserChangeForm
    list_display = ["username", "full_name", "email", "role_list", "is_active", "last_login"]
    list_filter = ["groups", "is_active", "is_staff"]
    actions = ["deactivate_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # segregation of duties (see below): no superusers made, no permissions by hand,
            # and nobody's own roles, staff status or activity changed by themselves
            readonly += ["is_superuser", "user_permissions"]
            if obj is not None and obj.pk == request.user.pk:
                readonly += ["groups", "is_staff", "is_active"]
        return readonly

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False  # a superuser's account (and password) is kept by superusers
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (
            obj.pk == request.user.pk or (obj.is_superuser and not request.user.is_superuser)
        ):
            return False
        return super().has_delete_permission(request, obj)

    def save_related(self, request, form, formsets, change):
        before = set(form.instance.groups.values_list("name", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        after = set(form.instance.groups.values_list("name", flat=True))
        if before != after:
            account_changed(request, form.instance, roles=(before, after))

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        changed = _changed_fields(message) & {"password", "is_active", "is_staff"}
        if changed:
            account_changed(request, obj, fields=changed)
        return entry

    @admin.action(description=_("Deactivate the selected users"), permissions=["change"])
    def deactivate_selected(self, request, queryset):
        """Each account through ``core.clearance.user_deactivate``: one who still holds
        something (R28), oneself or a superuser is refused with the reason."""
        done = 0
        for user in queryset.order_by("username"):
            try:
                clearance.user_deactivate(user=user, actor=request.user, request=request)
            except (DomainError, PermissionDenied) as exc:
                self.message_user(request, f"{user.username}: {exc}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(n)d account deactivated.", "%(n)d accounts deactivated.", done)
                % {"n": done},
                messages.SUCCESS,
            )

    @admin.display(description=_("name"))
    def full_name(self, obj):
        return obj.get_full_name()

    @admin.display(description=_("roles"))
    def role_list(self, obj):
        labels = {r.value: r.label for r in Role}
        return "、".join(str(labels.get(g.name, g.name)) for g in obj.groups.all())


def _changed_fields(message) -> set[str]:
    """The field names of the admin's change message ([{"changed": {"fields": [...]}}])."""
    import json

    try:
        parts = json.loads(message) if isinstance(message, str) else message
    except ValueError:
        return set()
    fields = set()
    for part in parts or []:
        fields.update((part.get("changed") or {}).get("fields") or [])
    return {str(f).lower().replace(" ", "_") for f in fields}


def account_changed(request, user, *, roles=None, fields=()):
    """An administrator changed someone's roles, password, staff status or activity: written
    to the access log, and told to that person (and, when a role with duties is given, to the
    managers), so that taking over an account or making oneself an approver through another
    account never goes unseen."""
    from django.contrib.auth import get_user_model

    from .roles import DUTIES
    from .services import log_access, notify

    labels = {r.value: r.label for r in Role}
    if roles is not None:
        before, after = roles
        # role codes, not labels: the log is read in every language
        detail = f"roles: {','.join(sorted(before)) or '-'} -> {','.join(sorted(after)) or '-'}"
    else:
        detail = "changed: " + ", ".join(sorted(fields))
    log_access(request.user, user, AccessLog.Action.ACCOUNT, detail=detail, request=request)
    if user.pk == request.user.pk:
        return
    notify(
        [user],
        Line(
            "Your account was changed by %(admin)s (%(what)s). If you did not expect this, tell "
            "your manager at once.",
            admin=request.user.get_full_name() or request.user.username,
            what=describe(detail),
        ),
    )
    gained = (roles[1] - roles[0]) if roles is not None else set()
    approving = {str(r.value) for perms in DUTIES.values() for r in perms} & gained
    if approving:  # the managers oversee who may approve, verify or sign
        peers = (
            get_user_model()
            .objects.filter(groups__name=Role.MANAGER, is_active=True)
            .exclude(pk__in=[user.pk, request.user.pk])
            .distinct()
        )
        notify(
            peers,
            Line(
                "%(user)s now holds the role %(roles)s, given by %(admin)s.",
                user=user.get_full_name() or user.username,
                roles=[labels.get(n, n) for n in sorted(approving)],
                admin=request.user.get_full_name() or request.user.username,
            ),
        )


# --- Segregation of duties in the user admin ------------------------------------------------
# An administrator manages accounts and groups, but must not grant themselves a duty (approve,
# verify, sign), make anyone a superuser, take over a superuser's account, or rewrite what a
# role may do: the roles' permissions are core/roles.py's table, applied at every migrate.
admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(DjangoGroupAdmin):
    """A role's group holds the permissions of core/roles.py's table (applied, and corrected,
    at every migrate): its name and permissions are read-only here, and it is never deleted.
    Other groups are edited as usual."""

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.name in Role.values:
            readonly += ["name", "permissions"]
        return readonly

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "permissions" and not request.user.is_superuser:
            # an administrator cannot make a group (of their own, say) that approves, verifies,
            # signs, reveals or downloads: those rights come with the roles only
            field.queryset = field.queryset.exclude(_reserved_permissions())
        return field

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.name in Role.values:
            return False
        return super().has_delete_permission(request, obj)


def _reserved_permissions():
    """The rights only a role gives (core.roles.DUTIES and the reading of personal data and
    files), as a filter on Permission."""
    from django.db.models import Q

    from .roles import DUTIES

    reserved = [*DUTIES, "customers.reveal_dossier", "customers.reveal_customer"]
    reserved.append("documents.download_document")
    condition = Q(pk__in=[])
    for perm in reserved:
        app_label, codename = perm.split(".", 1)
        condition |= Q(content_type__app_label=app_label, codename=codename)
    return condition
