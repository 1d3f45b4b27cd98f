from django.urls import path, re_path

from offers import views

app_name = "offers"

urlpatterns = [
    path("", views.offer_list, name="list"),
    re_path(r"^(?P<pk>[0-9]{1,18})-(?P<slug>[-a-zA-Z0-9_]*)/$", views.offer_detail, name="detail"),
]
