"""URL configuration: https://docs.djangoproject.com/en/5.2/topics/http/urls/"""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from rest_framework.routers import DefaultRouter

from apps.products.api import ProductViewSet

from .views import healthz, livez

router = DefaultRouter()
router.register("products", ProductViewSet)

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="products:list"), name="home"),
    path("livez", livez, name="livez"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", include(router.urls)),
    path("products/", include("apps.products.urls")),
]
