"""CSRF on forms, the error pages, and the WSGI/ASGI entry points."""

import pytest
from django.test import Client, RequestFactory
from django.views.defaults import server_error

from apps.users.models import User


@pytest.mark.django_db
def test_form_post_without_csrf_token_is_rejected(user: User) -> None:
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        "/admin/login/", {"username": user.username, "password": "x"}
    )

    assert response.status_code == 403
    assert b"CSRF" in response.content


@pytest.mark.django_db
def test_form_post_with_csrf_token_is_accepted() -> None:
    # pragma: allowlist nextline secret
    User.objects.create_superuser("admin", password="correct horse")
    client = Client(enforce_csrf_checks=True)
    form = client.get("/admin/login/")

    response = client.post(
        "/admin/login/",
        {
            "username": "admin",
            "password": "correct horse",  # pragma: allowlist secret
            "csrfmiddlewaretoken": form.context["csrf_token"],
        },
    )

    assert response.status_code == 302


def test_server_error_page_needs_no_context(rf: RequestFactory) -> None:
    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert b"Server error" in response.content


def test_wsgi_and_asgi_applications_load() -> None:
    from myproject.asgi import application as asgi_app
    from myproject.wsgi import application as wsgi_app

    assert callable(wsgi_app)
    assert callable(asgi_app)
