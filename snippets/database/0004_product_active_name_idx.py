# The index of models.py, built without blocking writes to the table.
# makemigrations writes AddIndex, whose CREATE INDEX blocks every INSERT, UPDATE and
# DELETE until the index is built. AddIndexConcurrently lets them run meanwhile, but
# CREATE INDEX CONCURRENTLY cannot run in a transaction: hence atomic = False.

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):

    atomic = False

    dependencies = [
        ("products", "0003_product_stock"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="product",
            index=models.Index(
                fields=["is_active", "name"], name="products_active_name_idx"
            ),
        ),
    ]
