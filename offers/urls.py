from django.urls import path, re_path

from offers import feeds, views

app_name = "offers"

urlpatterns = [
    path("", views.offer_list, name="list"),
    path("flux.atom", feeds.feed, name="feed"),
    re_path(r"^(?P<pk>[0-9]{1,18})-(?P<slug>[-a-zA-Z0-9_]*)/$", views.offer_detail, name="detail"),
]
