from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import AccessLog, Notification, User
from .roles import Role


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "message", "read_at", "emailed_at"]
    list_filter = ["read_at", "created_at"]
    search_fields = ["message", "recipient__username"]
    list_select_related = ["recipient"]
    readonly_fields = ["recipient", "message", "link", "created_at", "read_at", "emailed_at"]

    def has_add_permission(self, request):
        return False


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Evidence of who read what (R21): viewable, never added, changed or deleted."""

    list_display = ["at", "user", "action", "content_type", "object_repr", "reason", "ip_address"]
    list_filter = ["action", "content_type", "at"]
    search_fields = ["object_repr", "reason", "user__username", "detail"]
    list_select_related = ["user", "content_type"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "full_name", "email", "role_list", "is_active", "last_login"]
    list_filter = ["groups", "is_active", "is_staff"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("name"))
    def full_name(self, obj):
        return obj.get_full_name()

    @admin.display(description=_("roles"))
    def role_list(self, obj):
        labels = {r.value: r.label for r in Role}
        return "、".join(str(labels.get(g.name, g.name)) for g in obj.groups.all())
