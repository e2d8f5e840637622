"""The Alliance's back office for the directory. Every change of a listing's status goes
through directory.services, exactly as the API's does."""

import io
import tempfile
import uuid
from pathlib import Path

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from accounts.roles import is_alliance_admin
from directory import geo, services
from directory.models import (
    MAX_COUNTIES_PER_STATE,
    MAX_LANGUAGES,
    Consultant,
    County,
    Language,
    ListingDecision,
    ListingReviewQueue,
    Program,
    ProgramMembership,
    Region,
    TribalDataSetting,
)
from directory.program_import import program_import
from directory.program_rows import ImportFileError
from directory.regions import counties_in_other_regions
from iecmhc.admin_actions import intermediate_action
from iecmhc.admin_history import AuditTrailAdmin
from iecmhc.exceptions import StateConflict
from iecmhc.forms import BoundedModelMultipleChoiceField


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ("name", "state", "fips", "rucc_code", "rurality")
    list_filter = ("state", "rucc_code")
    search_fields = ("name", "fips")

    @admin.display(description=_("Rural or urban"))
    def rurality(self, county):
        if county.is_rural is None:
            return "-"
        return _("Rural") if county.is_rural else _("Urban")


@admin.register(TribalDataSetting)
class TribalDataSettingAdmin(admin.ModelAdmin):
    """What each nation's data steward allows the reports to show (docs/domain.md, "Tribal
    nations"); a nation without a row here is hidden."""

    list_display = ("nation", "reporting", "steward", "updated_by", "updated_at")
    list_filter = ("reporting",)
    readonly_fields = ("updated_by", "updated_at")

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


class ListingDecisionInline(admin.TabularInline):
    model = ListingDecision
    fields = ("created_at", "actor", "action", "from_status", "to_status", "reason")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("created_at", "id")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        max_length=2000,
        help_text="The consultant receives this reason by email.",
    )


class ConsultantAdminForm(forms.ModelForm):
    """The admin builds the fields; this adds the ZIP check the service would make."""

    def clean_base_zip(self):
        value = self.cleaned_data["base_zip"]
        if geo.zip_lookup(value) is None:
            raise ValidationError(f"{value} is not a known US ZIP code.")
        return value


def _run_service(modeladmin, request, queryset, service, done: str, **kwargs) -> None:
    ok = 0
    for consultant in queryset:
        try:
            service(actor=request.user, consultant=consultant, **kwargs)
            ok += 1
        except (StateConflict, PermissionDenied) as exc:
            modeladmin.message_user(request, f"{consultant}: {exc}", messages.WARNING)
        except ValidationError as exc:
            modeladmin.message_user(
                request, f"{consultant}: {'; '.join(exc.messages)}", messages.WARNING
            )
    if ok:
        modeladmin.message_user(request, f"{ok} listing(s) {done}.", messages.SUCCESS)


def _reason_action(modeladmin, request, queryset, *, service, verb: str, done: str):
    """A review action that asks for the reason the consultant will read."""
    return intermediate_action(
        modeladmin,
        request,
        queryset,
        form_class=ReasonForm,
        intro=f"You are about to {verb} these listings. "
        "The consultant of each receives the reason by email.",
        submit_label=f"{verb.capitalize()} listings",
        apply=lambda form: _run_service(
            modeladmin, request, queryset, service, done, reason=form.cleaned_data["reason"]
        ),
    )


class ReviewActionsMixin:
    actions = ["approve_listings", "reject_listings", "suspend_listings"]

    def has_review_permission(self, request):
        return request.user.has_perm("directory.review_consultant")

    @admin.action(description="Approve selected listings", permissions=["review"])
    def approve_listings(self, request, queryset):
        _run_service(self, request, queryset, services.consultant_approve, "approved")

    @admin.action(
        description="Reject selected listings (asks for a reason)", permissions=["review"]
    )
    def reject_listings(self, request, queryset):
        return _reason_action(
            self,
            request,
            queryset,
            service=services.consultant_reject,
            verb="reject",
            done="rejected",
        )

    @admin.action(
        description="Suspend selected listings (asks for a reason)", permissions=["review"]
    )
    def suspend_listings(self, request, queryset):
        return _reason_action(
            self,
            request,
            queryset,
            service=services.consultant_suspend,
            verb="suspend",
            done="suspended",
        )


class BoundedManyToManyMixin:
    """Many-to-many fields (languages, counties) take a bounded list, as on the pages."""

    m2m_bounds = {"languages": MAX_LANGUAGES, "counties_served": MAX_COUNTIES_PER_STATE}

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.m2m_bounds:
            kwargs["form_class"] = BoundedModelMultipleChoiceField
            kwargs["max_choices"] = self.m2m_bounds[db_field.name]
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Consultant)
class ConsultantAdmin(BoundedManyToManyMixin, ReviewActionsMixin, AuditTrailAdmin):
    form = ConsultantAdminForm
    list_display = (
        "display_name",
        "listing_status",
        "license_type",
        "license_expires",
        "base_state",
        "active_caseload",
        "max_caseload",
        "accepting_new_requests",
        "updated_at",
    )
    list_filter = (
        "listing_status",
        "accepting_new_requests",
        "brief_team",
        "license_type",
        "endorsements__category",
        "base_state",
        "languages",
    )
    search_fields = ("display_name", "bio", "user__username", "user__email", "base_zip")
    autocomplete_fields = ("counties_served",)
    filter_horizontal = ("languages",)
    readonly_fields = (
        "user",
        "listing_status",
        "active_caseload",
        "hours_committed",
        "license_verified_at",
        "license_verified_by",
        "base_state",
        "base_latitude",
        "base_longitude",
        "created_at",
        "updated_at",
        "submitted_at",
        "reviewed_at",
    )
    inlines = [ListingDecisionInline]
    list_select_related = ("user",)

    def has_add_permission(self, request):
        return False  # consultants create their own listings

    def has_delete_permission(self, request, obj=None):
        return False  # suspend instead: the history must stay

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        services.consultant_update(actor=request.user, consultant=obj, **fields)

    def save_related(self, request, form, formsets, change):
        # Many-to-many fields were saved by the service; only the inlines remain.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(ListingReviewQueue)
class ListingReviewQueueAdmin(ReviewActionsMixin, admin.ModelAdmin):
    list_display = ("display_name", "license_type", "license_expires", "base_state", "submitted_at")
    list_filter = ("license_type", "endorsements__category", "base_state", "languages")
    search_fields = ("display_name", "bio", "user__username", "user__email")
    ordering = ("submitted_at", "id")
    readonly_fields = [f.name for f in Consultant._meta.fields] + ["languages", "counties_served"]
    inlines = [ListingDecisionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(listing_status=Consultant.ListingStatus.PENDING)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ProgramMembershipInline(admin.TabularInline):
    model = ProgramMembership
    extra = 0
    autocomplete_fields = ("user",)
    readonly_fields = ("created_at",)


class ProgramAdminForm(forms.ModelForm):
    """The admin builds the fields; this adds the ZIP and county checks of the service."""

    def clean(self):
        cleaned = super().clean()
        place = geo.zip_lookup(cleaned.get("zip") or "")
        county = cleaned.get("county")
        if "zip" in cleaned and place is None:
            self.add_error("zip", f"{cleaned['zip']} is not a known US ZIP code.")
        elif place is not None and county is not None and county.state != place.state:
            self.add_error("county", f"{county} is not in {place.state}, the ZIP code's state.")
        return cleaned


@admin.register(Program)
class ProgramAdmin(BoundedManyToManyMixin, AuditTrailAdmin):
    form = ProgramAdminForm
    list_display = ("name", "setting_type", "city", "state", "county", "enrollment", "is_active")
    list_filter = ("setting_type", "state", "is_active", "license_type", "tribal_affiliation")
    search_fields = ("name", "city", "zip", "license_number", "email")
    autocomplete_fields = ("county",)
    filter_horizontal = ("languages",)
    readonly_fields = (
        "state",
        "latitude",
        "longitude",
        "license_list_seen_at",
        "created_at",
        "updated_at",
    )
    inlines = [ProgramMembershipInline]
    change_list_template = "admin/directory/program/change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="directory_program_import"), *super().get_urls()]

    def import_view(self, request):
        """Upload the state's licensing list, see what would change, then import it."""
        if not is_alliance_admin(request.user):
            raise PermissionDenied
        context = {**self.admin_site.each_context(request), "opts": self.model._meta}
        context["title"] = _("Import the state's list of licensed programs")
        if request.method == "POST" and request.POST.get("token"):
            return self._import_confirmed(request, context)
        form = ProgramListUploadForm(request.POST or None, request.FILES or None)
        context["form"] = form
        if request.method == "POST" and form.is_valid():
            token = uuid.uuid4().hex
            upload = _upload_path(token)
            with upload.open("wb") as out:
                for chunk in form.cleaned_data["file"].chunks():
                    out.write(chunk)
            try:
                context["report"] = _run_import(request.user, upload, dry_run=True)
            except ImportFileError as exc:
                upload.unlink(missing_ok=True)
                form.add_error("file", str(exc))
            else:
                request.session["program_import_token"] = token
                context["token"] = token
        return TemplateResponse(request, "admin/directory/program/import.html", context)

    def _import_confirmed(self, request, context):
        token = request.POST["token"]
        if token != request.session.get("program_import_token"):
            messages.error(request, _("That upload has expired: upload the file again."))
            return redirect(reverse("admin:directory_program_import"))
        upload = _upload_path(token)
        try:
            report = _run_import(request.user, upload, dry_run=False)
        except (ImportFileError, OSError) as exc:
            messages.error(request, str(exc))
            return redirect(reverse("admin:directory_program_import"))
        finally:
            upload.unlink(missing_ok=True)
            request.session.pop("program_import_token", None)
        messages.success(
            request,
            _(
                "Imported %(rows)s rows: %(created)s new, %(updated)s updated, %(unchanged)s "
                "unchanged, %(deactivated)s no longer listed, %(errors)s skipped for errors."
            )
            % {
                "rows": report.rows_read,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "deactivated": report.deactivated,
                "errors": report.errors_total,
            },
        )
        return redirect(reverse("admin:directory_program_changelist"))

    list_select_related = ("county",)

    def has_add_permission(self, request):
        return False  # programs are registered by their staff

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        services.program_update(actor=request.user, program=obj, **fields)

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


class ProgramListUploadForm(forms.Form):
    file = forms.FileField(
        label=_("The state's list (CSV)"),
        help_text=_("UTF-8 CSV with a header row; see docs/program-import.md for its columns."),
    )


def _upload_path(token: str) -> Path:
    """Where an uploaded list waits between its preview and its import (token: 32 hex)."""
    if len(token) != 32 or not all(c in "0123456789abcdef" for c in token):
        raise PermissionDenied
    folder = Path(tempfile.gettempdir()) / "iecmhc-program-imports"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder / f"{token}.csv"


def _run_import(actor, upload: Path, *, dry_run: bool):
    with upload.open("rb") as raw:
        lines = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        return program_import(actor=actor, lines=lines, dry_run=dry_run)


class RegionAdminForm(forms.ModelForm):
    """A region's counties are of its state, and in no other region of its scheme."""

    def clean(self):
        data = super().clean()
        state, scheme = data.get("state"), data.get("scheme")
        counties = list(data.get("counties") or [])
        if not state or not scheme:
            return data
        elsewhere = [c.name for c in counties if c.state != state]
        if elsewhere:
            self.add_error(
                "counties",
                _("These counties are not in %(state)s: %(names)s.")
                % {"state": state, "names": ", ".join(elsewhere)},
            )
        taken = counties_in_other_regions(
            state=state, scheme=scheme, counties=counties, region_id=self.instance.pk
        )
        if taken:
            self.add_error(
                "counties",
                _("Already in another region of this scheme: %(names)s.")
                % {"names": ", ".join(c.name for c in taken)},
            )
        return data


@admin.register(Region)
class RegionAdmin(BoundedManyToManyMixin, admin.ModelAdmin):
    form = RegionAdminForm
    m2m_bounds = {"counties": MAX_COUNTIES_PER_STATE}
    list_display = ("name", "scheme", "state", "code", "county_count")
    list_filter = ("state", "scheme")
    search_fields = ("name", "code")
    filter_horizontal = ("counties",)
    fields = ("state", "scheme", "code", "name", "counties", "source")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(county_total=Count("counties"))

    @admin.display(description=_("Counties"), ordering="county_total")
    def county_count(self, region):
        return region.county_total
