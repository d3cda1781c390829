"""Test data for users."""

from typing import Any

from model_bakery.recipe import Recipe
from model_bakery.utils import seq

from .models import User

PASSWORD = "correct horse battery staple"  # pragma: allowlist secret

user = Recipe(User, username=seq("user"), email=seq("user", suffix="@example.com"))


def make_user(**fields: Any) -> User:
    """A saved user who can log in with PASSWORD."""
    new_user: User = user.prepare(**fields)
    new_user.set_password(PASSWORD)
    new_user.save()
    return new_user
