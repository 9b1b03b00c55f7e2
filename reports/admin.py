from django.contrib import admin

from core.admin_base import ReadOnlyAdminMixin

# --- statistics (R40) and the monthly complaint summary (R41): read-only snapshots ---
from .models import ComplaintSummary, YearlyStatistics


class SnapshotAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_select_related = ["computed_by"]
    list_filter = ["source"]
    readonly_fields = ()

    def computed(self, obj):
        return obj.computed_by_label


@admin.register(YearlyStatistics)
class YearlyStatisticsAdmin(SnapshotAdmin):
    list_display = ["year", "computed_at", "computed", "source"]
    fields = ["year", "computed_at", "computed_by", "source", "figures"]
    date_hierarchy = "computed_at"


@admin.register(ComplaintSummary)
class ComplaintSummaryAdmin(SnapshotAdmin):
    list_display = ["month", "computed_at", "computed", "source"]
    fields = ["month", "computed_at", "computed_by", "source", "figures"]
