"""Release 1.1.0: delete discontinued products, and drop product descriptions.

A destructive migration, kept to show what a rollback has to undo. Its way back
(``migrate products 0002``) adds an empty description column and does nothing else:
the deleted rows and the descriptions are gone. Only a backup brings them back.
"""

from django.db import migrations


def delete_discontinued(apps, schema_editor):
    Product = apps.get_model("products", "Product")
    Product.objects.filter(is_active=False).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("products", "0002_product_is_active"),
    ]

    operations = [
        migrations.RunPython(delete_discontinued, migrations.RunPython.noop),
        migrations.RemoveField(model_name="product", name="description"),
    ]
