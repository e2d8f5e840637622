"""The matching version's row (re-exported by consultations.models)."""

from django.db import models


class MatchingVersion(models.Model):
    """One row: a token the database replaces in the transaction of every write to what matching
    reads of the consultants (triggers on those tables, consultations.matching.version), so a
    process's snapshot of them (consultations.matching.snapshot) knows when it is stale."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    token = models.CharField(max_length=32)

    def __str__(self):
        return self.token
