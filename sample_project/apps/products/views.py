from django.views.generic import ListView

from .catalogue import active_products
from .models import Product


class ProductListView(ListView[Product]):
    """The server-rendered product list (templates/products/product_list.html).

    The list comes from the cache; saving or deleting a product forgets it.
    """

    template_name = "products/product_list.html"
    context_object_name = "product_list"
    paginate_by = 20

    def get_queryset(self) -> list[Product]:  # type: ignore[override]
        return active_products()
