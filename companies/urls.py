from django.urls import path

from companies import views
from shop import converters  # noqa: F401  (registers <id:...>)

app_name = "companies"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("settings/", views.company_settings, name="settings"),
    path("members/", views.members, name="members"),
    path("members/<id:pk>/role/", views.member_role, name="member_role"),
    path("members/<id:pk>/remove/", views.member_remove, name="member_remove"),
    path("invitations/", views.invitation_create, name="invitation_create"),
    path("invitations/<id:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("join/<str:key>/", views.join, name="join"),
    path("addresses/", views.addresses, name="addresses"),
    path("addresses/<id:pk>/", views.address_edit, name="address_edit"),
    path("addresses/<id:pk>/delete/", views.address_delete, name="address_delete"),
    path("addresses/<id:pk>/default/", views.address_default, name="address_default"),
]
