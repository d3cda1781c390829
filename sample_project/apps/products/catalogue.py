"""The shop's product list, kept in the cache until a product changes.

https://docs.djangoproject.com/en/5.2/topics/cache/#the-low-level-cache-api
"""

from django.core.cache import cache

from .models import Product

CACHE_KEY = "products:active"
# An hour at most: a change that reaches the database without Product.save() or
# delete() (a bulk update, a fix typed in psql) shows within the hour.
CACHE_SECONDS = 60 * 60


def active_products() -> list[Product]:
    """The products the shop shows, from the cache, or the database on a miss."""
    products: list[Product] | None = cache.get(CACHE_KEY)
    if products is None:
        products = list(Product.objects.filter(is_active=True))
        cache.set(CACHE_KEY, products, CACHE_SECONDS)
    return products


def forget_products() -> None:
    """Drop the cached list: the next request reads the database again."""
    cache.delete(CACHE_KEY)
