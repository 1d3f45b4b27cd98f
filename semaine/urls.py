from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from events.views import attendance, followup, invitation, partners, registration
from semaine import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("mentions-legales/", views.legal_notice, name="legal_notice"),
    path("donnees-personnelles/", views.privacy, name="donnees_personnelles"),
    path(
        "inscriptions/<str:token>/annuler/",
        registration.cancel,
        name="registration_cancel",
    ),
    path("inscriptions/<str:token>/accueil/", attendance.checkin, name="registration_checkin"),
    path("inscriptions/<str:token>/avis/", followup.answer, name="survey_answer"),
    path(
        "inscriptions/<str:token>/confirmer/",
        registration.confirm,
        name="registration_confirm",
    ),
    path("evenements/", include("events.urls")),
    path("api/", include("semaine.api_urls")),
    path("widget/evenements/", partners.widget, name="widget"),
    path("partenaires/", partners.partners, name="partners"),
    path("offres/", include("offers.urls")),
    # A new staff member's invitation (events/views/invitation.py): not logged in yet.
    path(
        "admin/invitation/<uidb64>/<str:token>/",
        invitation.invitation_confirm,
        name="staff_invitation",
    ),
    path("admin/", admin.site.urls),
]

# A database away answers 503 with Retry-After, not the 500 of a bug (semaine/errors.py).
handler500 = "semaine.errors.server_error"

if settings.METRICS:
    urlpatterns.append(path("metrics", views.metrics, name="metrics"))
