"""Fixtures shared by every test (apps/*/tests and tests/)."""

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from apps.users.factories import make_user
from apps.users.models import User


@pytest.fixture
def user(db: None) -> User:
    return make_user()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    """Each test starts with an empty cache (settings.test: this process's memory).

    A test's transaction is rolled back, so the on-commit hooks that forget cached
    data never run: without this, one test's cached list would be the next one's.
    """
    cache.clear()
    yield
    cache.clear()
