# A data migration, with its way back: fill the empty descriptions, and empty them
# again when the migration is unapplied.

from django.db import migrations

PLACEHOLDER = "Description coming soon."


def fill_descriptions(apps, schema_editor):
    Product = apps.get_model("products", "Product")
    Product.objects.filter(description="").update(description=PLACEHOLDER)


def empty_descriptions(apps, schema_editor):
    Product = apps.get_model("products", "Product")
    Product.objects.filter(description=PLACEHOLDER).update(description="")


class Migration(migrations.Migration):

    dependencies = [
        ("products", "0003_product_stock"),
    ]

    operations = [
        migrations.RunPython(fill_descriptions, empty_descriptions),
    ]
