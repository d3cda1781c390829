"""Fixtures shared by every test (apps/*/tests and tests/)."""

import pytest
from rest_framework.test import APIClient

from apps.users.factories import make_user
from apps.users.models import User


@pytest.fixture
def user(db: None) -> User:
    return make_user()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()
