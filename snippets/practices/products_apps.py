from django.apps import AppConfig


class ProductsConfig(AppConfig):
    name = "apps.products"
    label = "products"

    def ready(self) -> None:
        # Importing the module connects its receivers (the @receiver decorators).
        from . import signals  # noqa: F401
