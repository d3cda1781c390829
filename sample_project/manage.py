#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    """Run administrative tasks (development settings unless told otherwise)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "myproject.settings.development")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:
        # A configuration mistake (e.g. a missing SECRET_KEY) is one clear line,
        # not a traceback through Django's internals.
        sys.exit(f"ImproperlyConfigured: {exc}")


if __name__ == "__main__":
    main()
