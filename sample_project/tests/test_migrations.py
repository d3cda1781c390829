"""Migrations: each one reverses, and each one works with the previous release."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_migration_linter import MigrationLinter

from apps.products.models import Product

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("app", ["products", "users"])
def test_app_migrates_to_zero_and_forward_again(app: str) -> None:
    call_command("migrate", app, "zero", verbosity=0)
    call_command("migrate", verbosity=0)

    call_command("migrate", "--check", verbosity=0)  # exits non-zero if unapplied


def test_rolling_back_0002_keeps_products() -> None:
    """Rolling products back one migration (0002 -> 0001) and forward keeps the rows."""
    Product.objects.create(name="Teapot", slug="teapot", price="12.00")

    call_command("migrate", "products", "0001", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT slug FROM products_product")
        assert list(cursor.fetchall()) == [("teapot",)]
        columns = connection.introspection.get_table_description(
            cursor, "products_product"
        )
    assert "is_active" not in {column.name for column in columns}

    call_command("migrate", "products", verbosity=0)
    assert Product.objects.get(slug="teapot").is_active is True


def test_models_and_migrations_agree() -> None:
    """makemigrations --check: no model change is missing its migration."""
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_previous_release_can_still_insert() -> None:
    """The release before 0002 inserts without naming is_active, and succeeds.

    During a rolling deploy (and after a rollback) the previous release's code runs
    against the new schema. Its INSERT names only the columns it knows, so a new NOT
    NULL column needs a default in the database (db_default), not just in Python.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO products_product (name, slug, description, price, created_at)"
            " VALUES (%s, %s, %s, %s, %s)",
            ["Kettle", "kettle", "", "30.00", timezone.now()],
        )
    assert Product.objects.get(slug="kettle").is_active is True


def test_migrations_work_with_the_previous_release() -> None:
    """django-migration-linter finds no migration the previous release breaks on.

    It reads each migration's SQL: a NOT NULL column without a database default, a
    dropped or renamed column or table. SQLite changes a table by rebuilding it, which
    the linter flags every time, so it runs on PostgreSQL and MariaDB.
    """
    if connection.vendor == "sqlite":
        pytest.skip("the linter flags every SQLite table rebuild")
    linter = MigrationLinter(no_cache=True, include_apps=["products", "users"])
    linter.lint_all_migrations()
    assert (linter.nb_erroneous, linter.nb_warnings) == (0, 0)
