from django.urls import path, re_path

from events.views import detail, exports, feeds, listing, programme, proposals, registration

app_name = "events"

urlpatterns = [
    path("", listing.event_list, name="list"),
    re_path(r"^region/(?P<region_code>[0-9AB]{2,3})/$", listing.region_event_list, name="region"),
    path("<int:pk>.ics", detail.event_ics, name="ics"),
    path("flux.atom", feeds.feed, name="feed"),
    path("programme/", programme.programme, name="programme"),
    path("programme.pdf", programme.programme_pdf, name="programme_pdf"),
    # Exports of the listing's selection; before the detail route. Other formats: 404.
    re_path(r"^export\.(?P<fmt>csv|xlsx|ics|json)$", exports.export, name="export"),
    # Partners propose their events; their contact follows them through a signed link.
    path("proposer/", proposals.propose, name="propose"),
    path("proposer/envoyee/", proposals.proposal_sent, name="proposal_sent"),
    path("proposer/suivi/<str:token>/", proposals.proposal_manage, name="proposal_manage"),
    path("proposer/suivi/<str:token>/modifier/", proposals.proposal_edit, name="proposal_edit"),
    path(
        "proposer/suivi/<str:token>/inscrits.csv",
        proposals.proposal_registrants_csv,
        name="proposal_registrants_csv",
    ),
    path("<int:pk>/inscription/", registration.register, name="register"),
    path(
        "<int:pk>/inscription/confirmation/",
        registration.registration_done,
        name="registration_done",
    ),
    re_path(r"^(?P<pk>[0-9]+)-(?P<slug>[-a-zA-Z0-9_]*)/$", detail.event_detail, name="detail"),
]
