"""The products API: list, detail and create (mounted under /api/ in myproject.urls).

Reading is open; creating needs an authenticated user (REST_FRAMEWORK settings).
"""

from rest_framework import mixins, viewsets

from .models import Product
from .serializers import ProductSerializer


class ProductViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Product],
):
    queryset = Product.objects.filter(is_active=True)
    serializer_class = ProductSerializer
    lookup_field = "slug"
