from django.views.generic import ListView

from .models import Product


class ProductListView(ListView[Product]):
    """The server-rendered product list (templates/products/product_list.html)."""

    queryset = Product.objects.filter(is_active=True)
    paginate_by = 20
