"""A custom user model from the first migration, as Django recommends.

https://docs.djangoproject.com/en/5.2/topics/auth/customizing/#using-a-custom-user-model-when-starting-a-project
"""

from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """The project's user; add fields here, not in a profile table."""
