from django.contrib import admin
from django.urls import include, path

from semaine import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("evenements/", include("events.urls")),
    path("offres/", include("offers.urls")),
    path("admin/", admin.site.urls),
]
