"""The Alliance's request queue. Requests change only through consultations.services, here
exactly as in the API: the actions below call the same functions."""

from functools import partial

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.template.response import TemplateResponse

from accounts.roles import is_alliance_admin
from consultations import reports, services
from consultations.forms import CloseForm, OfferForm
from consultations.models import (
    ConsultationRequest,
    Contact,
    Instrument,
    RequestEvent,
    UnmetDemand,
)
from iecmhc.admin_actions import intermediate_action
from iecmhc.admin_history import AuditTrailAdmin
from iecmhc.exceptions import StateConflict


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RequestEventInline(ReadOnlyInline):
    model = RequestEvent
    fields = ("at", "action", "actor", "consultant", "from_status", "to_status", "note")
    readonly_fields = fields
    ordering = ("at", "id")
    verbose_name_plural = "history"


class ContactInline(ReadOnlyInline):
    model = Contact
    fields = (
        "date",
        "minutes",
        "activity",
        "contact_type",
        "modality",
        "consultant",
        "note",
        "shared_with_program",
    )
    readonly_fields = fields


def _each(modeladmin, request, queryset, service, done: str, **kwargs) -> None:
    ok = 0
    for consultation in queryset:
        try:
            result = service(actor=request.user, consultation=consultation, **kwargs)
        except (StateConflict, PermissionDenied) as exc:
            modeladmin.message_user(request, f"#{consultation.pk}: {exc}", messages.WARNING)
        except ValidationError as exc:
            modeladmin.message_user(
                request, f"#{consultation.pk}: {'; '.join(exc.messages)}", messages.WARNING
            )
        else:
            ok += result is not False
    if ok:
        modeladmin.message_user(request, f"{ok} request(s) {done}.", messages.SUCCESS)


@admin.register(ConsultationRequest)
class ConsultationRequestAdmin(AuditTrailAdmin):
    list_display = (
        "id",
        "program",
        "county",
        "status",
        "urgency",
        "focus",
        "consultant",
        "created_at",
        "offered_at",
    )
    list_filter = (
        "status",
        "urgency",
        "focus",
        "modality",
        "program__state",
        ("program__county", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("=id", "program__name", "program__city", "consultant__display_name")
    list_select_related = ("program__county", "consultant")
    date_hierarchy = "created_at"
    inlines = [RequestEventInline, ContactInline]
    actions = ["offer", "close", "expire_overdue"]
    readonly_fields = [f.name for f in ConsultationRequest._meta.fields]

    def get_ordering(self, request):
        # The queue: priority first, then oldest first.
        priority_first = Case(
            When(urgency=ConsultationRequest.Urgency.PRIORITY, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return [priority_first.asc(), "created_at", "id"]

    @admin.display(ordering="program__county__name")
    def county(self, consultation):
        return consultation.program.county

    def has_add_permission(self, request):
        return False  # programs submit their own requests

    def has_delete_permission(self, request, obj=None):
        return False  # the history must stay

    def has_match_permission(self, request):
        return is_alliance_admin(request.user)

    @admin.action(description="Offer to a consultant…", permissions=["match"])
    def offer(self, request, queryset):
        return intermediate_action(
            self,
            request,
            queryset,
            form_class=partial(OfferForm, approved_only=True),
            intro="Offer these requests to one consultant. They are emailed and have "
            "a few days to accept or decline.",
            submit_label="Offer requests",
            apply=lambda form: _each(
                self,
                request,
                queryset,
                services.request_offer,
                "offered",
                consultant=form.cleaned_data["consultant"],
            ),
        )

    @admin.action(description="Close with outcomes…", permissions=["match"])
    def close(self, request, queryset):
        return intermediate_action(
            self,
            request,
            queryset,
            form_class=CloseForm,
            intro="Close these active engagements with their outcomes.",
            submit_label="Close requests",
            apply=lambda form: _each(
                self, request, queryset, services.request_close, "closed", **form.cleaned_data
            ),
        )

    @admin.action(description="Expire overdue offers", permissions=["match"])
    def expire_overdue(self, request, queryset):
        expired = sum(
            services.request_expire(consultation=consultation) for consultation in queryset
        )
        self.message_user(request, f"{expired} overdue offer(s) expired.", messages.SUCCESS)


@admin.register(UnmetDemand)
class UnmetDemandAdmin(admin.ModelAdmin):
    """Open requests no consultant may take, by county and by language."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return is_alliance_admin(request.user)

    def changelist_view(self, request, extra_context=None):
        context = {
            **self.admin_site.each_context(request),
            "title": "Unmet demand",
            "opts": self.model._meta,
            "demand": reports.unmet_demand(),
        }
        return TemplateResponse(request, "admin/consultations/unmet_demand.html", context)


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    """The catalogue of measures (issue 15): the Alliance corrects names, levels and ranges."""

    list_display = ("code", "name", "level", "scale", "min_score", "max_score", "active")
    list_filter = ("level", "active")
    search_fields = ("code", "name")
