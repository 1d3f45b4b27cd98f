from django.urls import path

from alerts import views

app_name = "alerts"

urlpatterns = [
    path("nouvelle/", views.new, name="new"),
    path("nouvelle/envoyee/", views.requested, name="requested"),
    path("confirmer/<str:token>/", views.confirm, name="confirm"),
    path("<str:token>/", views.manage, name="manage"),
    path("<str:token>/desinscription/", views.unsubscribe, name="unsubscribe"),
]
