"""The outgoing emails in the admin: the Alliance sees what failed and can send it again."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from background import services
from background.models import OutgoingEmail, PeriodicRun


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = ("created_at", "subject", "recipients", "status", "attempts", "sent_at")
    list_filter = ("status", "template")
    search_fields = ("subject", "to")
    date_hierarchy = "created_at"
    fields = (
        "status",
        "to",
        "subject",
        "template",
        "attempts",
        "created_at",
        "next_attempt_at",
        "sent_at",
        "last_error",
        "body_text",
    )
    readonly_fields = fields
    actions = ["send_again"]

    @admin.display(description=_("recipients"))
    def recipients(self, email):
        return ", ".join(email.to)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # The change permission allows the "send again" action; an email itself is read-only.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send the selected failed emails again"), permissions=["change"])
    def send_again(self, request, queryset):
        queued = sum(
            services.email_retry(actor=request.user, email=email)
            for email in queryset.filter(status=OutgoingEmail.Status.FAILED)
        )
        self.message_user(
            request,
            ngettext("%d email queued again.", "%d emails queued again.", queued) % queued,
            messages.SUCCESS if queued else messages.WARNING,
        )


@admin.register(PeriodicRun)
class PeriodicRunAdmin(admin.ModelAdmin):
    list_display = ("job", "started_at", "period", "task_id")
    list_filter = ("job",)
    readonly_fields = ("job", "period", "started_at", "task_id")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
