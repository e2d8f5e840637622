"""A listing's review history and the admin's approval queue (re-exported by directory.models)."""

from django.conf import settings
from django.db import models

from directory.models import Consultant


class ListingReviewQueue(Consultant):
    """The listings waiting for the Alliance's review (the admin's approval queue)."""

    class Meta:
        proxy = True
        verbose_name = "listing awaiting review"
        verbose_name_plural = "approval queue"


class ListingDecision(models.Model):
    """One step in a listing's review history: who moved it, when, from what, to what, why."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", "Submitted for review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        SUSPENDED = "suspended", "Suspended"
        RETURNED_TO_REVIEW = "returned_to_review", "Edited; returned to review"

    consultant = models.ForeignKey(Consultant, on_delete=models.CASCADE, related_name="decisions")
    action = models.CharField(max_length=24, choices=Action.choices)
    from_status = models.CharField(max_length=16, choices=Consultant.ListingStatus.choices)
    to_status = models.CharField(max_length=16, choices=Consultant.ListingStatus.choices)
    reason = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="listing_decisions"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.consultant}: {self.get_action_display()}"
