# Release N (expand): the code stops using `stock`, the column stays. Django forgets
# the field (state); the database is left alone, so the previous release, which
# still writes `stock`, keeps working. The column's db_default fills it for this
# release's rows.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("products", "0005_merge"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="product", name="stock"),
            ],
            database_operations=[],
        ),
    ]
