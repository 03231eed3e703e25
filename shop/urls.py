from django.urls import path

from shop import views

app_name = "shop"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("products/<int:pk>/", views.product_detail, name="product_detail"),
    path("orders/<int:pk>/", views.order_detail, name="order_detail"),
]
