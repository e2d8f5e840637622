"""Request filters (django-filter), shared by the API and the web pages."""

import django_filters
from django.utils.translation import gettext_lazy as _
from django_filters.fields import MultipleChoiceField

from consultations import selectors
from consultations.models import ConsultationRequest
from directory.models import County, Region
from iecmhc.forms import BoundedChoicesMixin


class BoundedMultipleChoiceField(BoundedChoicesMixin, MultipleChoiceField):
    pass


class BoundedMultipleChoiceFilter(django_filters.MultipleChoiceFilter):
    """`?status=a&status=b`: at most as many values as there are choices, each once (each
    value is a term of the query's OR)."""

    field_class = BoundedMultipleChoiceField


class RequestFilter(django_filters.FilterSet):
    # A column of the request itself, so no duplicates to remove: DISTINCT (the filter's
    # default) over every matching row cost 100 ms on the national queue.
    status = BoundedMultipleChoiceFilter(choices=ConsultationRequest.Status.choices, distinct=False)
    county = django_filters.ModelChoiceFilter(
        queryset=County.objects.all(), field_name="program__county", label=_("Program's county")
    )
    # Within a scheme a county is in one region, so joining the region's counties adds no
    # duplicate rows.
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.all(),
        field_name="program__county__regions",
        label=_("Program's region"),
    )
    urgency = django_filters.ChoiceFilter(choices=ConsultationRequest.Urgency.choices)
    program = django_filters.NumberFilter(field_name="program_id", min_value=1)

    class Meta:
        model = ConsultationRequest
        fields = []


class QueueFilter(RequestFilter):
    """The API's request filters, narrowed to what the queue holds."""

    status = django_filters.ChoiceFilter(
        choices=[(s.value, s.label) for s in selectors.QUEUE_STATUSES],
        empty_label=_("Submitted or offered"),
        label=_("Status"),
    )
    county = django_filters.ModelChoiceFilter(
        queryset=lambda request: selectors.queue_counties(),
        field_name="program__county",
        empty_label=_("Any county"),
        label=_("County"),
    )
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.all(),
        field_name="program__county__regions",
        empty_label=_("Any region"),
        label=_("Region"),
    )
    urgency = django_filters.ChoiceFilter(
        choices=ConsultationRequest.Urgency.choices,
        empty_label=_("Any urgency"),
        label=_("Urgency"),
    )

    number = django_filters.NumberFilter(
        field_name="id", min_value=1, label=_("Request number"), max_value=2**63 - 1
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters.pop("program")
