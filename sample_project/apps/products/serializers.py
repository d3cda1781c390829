from rest_framework import serializers

from .models import Product


class ProductSerializer(serializers.ModelSerializer[Product]):
    class Meta:
        model = Product
        fields = [
            "id",
            "name",
            "slug",
            "description",
            "price",
            "is_active",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]
