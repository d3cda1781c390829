# A new required column with a default in Python only: makemigrations writes this
# for `weight = models.PositiveIntegerField(default=0)`. The previous release's
# INSERT, which does not name `weight`, fails once it is applied.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("products", "0003_product_stock"),
    ]

    operations = [
        migrations.AddField(
            model_name="product",
            name="weight",
            field=models.PositiveIntegerField(default=0, help_text="Grams."),
        ),
    ]
