# Release N+1 (contract): no running release uses `stock` any more, so the column
# goes. Django no longer knows the field, so the SQL says what to drop, and how to
# bring the column back when the migration is unapplied.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("products", "0006_remove_product_stock"),
    ]

    operations = [
        migrations.RunSQL(
            sql='ALTER TABLE "products_product" DROP COLUMN "stock"',
            reverse_sql=(
                'ALTER TABLE "products_product" ADD COLUMN "stock" integer'
                ' DEFAULT 0 NOT NULL CHECK ("stock" >= 0)'
            ),
        ),
    ]
