import django_filters
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from .models import AccessLog
from .widgets import DATE


class AccessLogFilter(django_filters.FilterSet):
    user = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.order_by("username"), label=_("User")
    )
    action = django_filters.ChoiceFilter(choices=AccessLog.Action.choices, label=_("Action"))
    since = django_filters.DateFilter(
        field_name="at",
        lookup_expr="date__gte",
        label=_("From"),
        widget=DATE,
    )
    until = django_filters.DateFilter(
        field_name="at",
        lookup_expr="date__lte",
        label=_("To"),
        widget=DATE,
    )
    q = django_filters.CharFilter(
        field_name="object_repr", lookup_expr="icontains", label=_("Object")
    )

    class Meta:
        model = AccessLog
        fields = ["user", "action", "since", "until", "q"]
