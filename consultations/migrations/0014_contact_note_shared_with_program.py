"""Contact notes become private to the consultant (and the Alliance) unless shared with the
program (issue 17). Every note logged before stays where it is, unshared: the note said "for
your records", so nobody had chosen to share it. Nothing is deleted or changed but the flag."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0013_child_demographics"),
    ]

    operations = [
        migrations.AddField(
            model_name="contact",
            name="shared_with_program",
            field=models.BooleanField(
                default=False, help_text="The program sees the note only when it is shared."
            ),
        ),
    ]
