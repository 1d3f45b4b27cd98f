from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from events.models import LISTING_VERSION as EVENTS_VERSION
from events.sitemaps import EventSitemap, RegionSitemap, events_lastmod
from events.views import attendance, followup, invitation, partners, registration
from offers.models import LISTING_VERSION as OFFERS_VERSION
from offers.sitemaps import OfferSitemap
from semaine import discovery, views
from semaine.sitemaps import NamedPagesSitemap, sitemap_views

# /sitemap.xml, an index of these sections (semaine.sitemaps): a section, the versions it reads.
sitemap_index, sitemap_section = sitemap_views(
    {
        "evenements": (EventSitemap, (EVENTS_VERSION,)),
        "offres": (OfferSitemap, (OFFERS_VERSION,)),
        "regions": (RegionSitemap, (EVENTS_VERSION,)),
        "programme": (lambda: NamedPagesSitemap(("events:programme",), events_lastmod), ()),
        "pages": (
            lambda: NamedPagesSitemap(("home", "events:list", "offers:list", "partners")),
            (),
        ),
    }
)

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("sitemap.xml", sitemap_index, name="sitemap"),
    path("sitemap-<slug:name>.xml", sitemap_section, name="sitemap-section"),
    path("robots.txt", discovery.robots_txt, name="robots_txt"),
    path(".well-known/security.txt", discovery.security_txt, name="security_txt"),
    path("favicon.ico", discovery.favicon, name="favicon"),
    # Asked for by iOS and by crawlers whatever the page's <link> says.
    path("apple-touch-icon.png", discovery.apple_touch_icon),
    path("apple-touch-icon-precomposed.png", discovery.apple_touch_icon),
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
    path("alertes/", include("alerts.urls")),
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
