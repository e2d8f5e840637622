"""Background work's own records: the outgoing emails (each send's state, so a notice is
never lost silently and never sent twice) and the periodic jobs' runs (one per period)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutgoingEmail(models.Model):
    """One email, rendered when the change that causes it is made, sent by the worker."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed for good")

    template = models.CharField(_("template"), max_length=100)
    to = models.JSONField(_("recipients"))
    subject = models.TextField(_("subject"))
    body_text = models.TextField(_("plain text"))
    body_html = models.TextField(_("HTML"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # A worker sending it holds it until then; another worker leaves it alone meanwhile.
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    # The delivery task last enqueued for it (django_tasks_db's DBTaskResult id).
    task_id = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="email_status_due_idx")]

    def __str__(self):
        return f"{self.subject} → {', '.join(self.to)}"


class PeriodicRun(models.Model):
    """A periodic job's run for one period: the unique key lets exactly one worker start it."""

    job = models.CharField(max_length=200)
    period = models.BigIntegerField(help_text="Seconds since the epoch // the job's interval.")
    started_at = models.DateTimeField(default=timezone.now)
    task_id = models.UUIDField(null=True, blank=True)

    class Meta:
        verbose_name = _("periodic job run")
        verbose_name_plural = _("periodic job runs")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["job", "period"], name="one_run_per_job_period")
        ]

    def __str__(self):
        return f"{self.job} @ {self.started_at:%Y-%m-%d %H:%M}"
