import pytest
from django.contrib.auth import get_user_model
from pytest_django import Settings

from apps.users.factories import PASSWORD, make_user
from apps.users.models import User
from myproject.settings import base

pytestmark = pytest.mark.django_db


def test_the_custom_user_model_is_active() -> None:
    """AUTH_USER_MODEL points at apps.users before the first migration."""
    assert get_user_model() is User


def test_factory_user_can_log_in_with_its_password() -> None:
    user = make_user(username="ada")
    assert user.check_password(PASSWORD)
    assert user.email.endswith("@example.com")


def test_production_hashes_passwords_with_argon2(settings: Settings) -> None:
    """Test settings use fast MD5; the real hasher list puts Argon2 first."""
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    user = User(username="grace")

    user.set_password("a long passphrase")

    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password("a long passphrase")
