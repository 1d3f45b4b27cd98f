"""Every public page type the browser checks visit, and how to reach one example of each.

A page type that another part of the site adds (registration, offers, partners) is listed here;
while its URL does not resolve in the checkout, the checks say so in a skip message.
"""

from django.urls import NoReverseMatch, reverse


def _url(name, *args, query=""):
    try:
        return reverse(name, args=args) + query
    except NoReverseMatch:
        return None


def public_pages(site) -> dict[str, str | None]:
    """Page type -> URL of one example (None when the page does not exist in this checkout)."""
    event = site.first_event
    offer = site.offers[0] if site.offers else None
    return {
        "home": _url("home"),
        "listing": _url("events:list"),
        "listing-page-2": _url("events:list", query="?page=2"),
        "listing-empty": _url("events:list", query="?q=zzzxqwv"),
        "listing-bad-input": _url(
            "events:list", query="?du=2030-13-45&region=XX&type=nope&page=999"
        ),
        "listing-filtered": _url(
            "events:list", query="?region=84&type=job_dating&lieu=Lyon&rayon=50&places=1"
        ),
        "region": _url("events:region", "84"),
        "programme": _url("events:programme"),
        "programme-region": _url("events:programme", query="?region=84&type=job_dating"),
        "detail": event.get_absolute_url(),
        "detail-online-overseas": site.guadeloupe_forums[0].get_absolute_url(),
        "detail-cancelled": site.cancelled.get_absolute_url(),
        "registration-form": _url("events:register", event.pk),
        "registration-form-with-errors": _url("events:register", event.pk),
        "registration-confirmation": _url("events:register", event.pk),
        "proposal-form": _url("events:propose"),
        "proposal-form-with-errors": _url("events:propose"),
        "offers-listing": _url("offers:list"),
        "offer-detail": offer.get_absolute_url() if offer and _url("offers:list") else None,
        "partners": _url("partners"),
        "accessibility": _url("accessibility"),
        "legal-notice": _url("legal_notice"),
        "privacy": _url("donnees_personnelles"),
        "alert-form": _url("alerts:new", query="?region=84&type=job_dating"),
        "alert-form-with-errors": _url("alerts:new", query="?region=84&type=job_dating"),
        "alert-requested": _url("alerts:new", query="?region=84&type=job_dating"),
    }


PAGE_TYPES = [
    "home",
    "listing",
    "listing-page-2",
    "listing-empty",
    "listing-bad-input",
    "listing-filtered",
    "region",
    "programme",
    "programme-region",
    "detail",
    "detail-online-overseas",
    "detail-cancelled",
    "registration-form",
    "registration-form-with-errors",
    "registration-confirmation",
    "proposal-form",
    "proposal-form-with-errors",
    "offers-listing",
    "offer-detail",
    "partners",
    "accessibility",
    "legal-notice",
    "privacy",
    "alert-form",
    "alert-form-with-errors",
    "alert-requested",
]


def fill_registration(page, *, email="camille.martin@example.org"):
    page.get_by_label("Prénom").fill("Camille")
    page.get_by_label("Nom", exact=True).fill("Martin")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("J'accepte d'être contacté").check()


def visit(page, site, page_type) -> tuple[str, str] | None:
    """Shows `page_type` in `page`: (URL, HTML source as served), None if it does not exist."""
    url = public_pages(site).get(page_type)
    if url is None:
        return None
    response = page.goto(url)
    assert response.status == 200, f"{page_type} ({url}) answered {response.status}"
    if page_type in ("registration-form-with-errors", "registration-confirmation"):
        if page_type == "registration-confirmation":
            fill_registration(page, email=f"{page_type}@example.org")
        with page.expect_navigation() as navigation:
            page.get_by_role("button", name="M'inscrire").click()
        response = navigation.value
        expected = 400 if page_type == "registration-form-with-errors" else 200
        assert response.status == expected, f"{page_type} answered {response.status}"
    if page_type in ("alert-form-with-errors", "alert-requested"):
        if page_type == "alert-requested":
            page.get_by_label("Votre adresse e-mail").fill("lea@example.org")
        with page.expect_navigation() as navigation:
            page.get_by_role("button", name="Recevoir les alertes").click()
        response = navigation.value
        expected = 400 if page_type == "alert-form-with-errors" else 200
        assert response.status == expected, f"{page_type} answered {response.status}"
    if page_type == "proposal-form-with-errors":
        with page.expect_navigation() as navigation:
            page.get_by_role("button", name="Envoyer ma proposition").click()
        response = navigation.value
        assert response.status == 400, f"{page_type} answered {response.status}"
    return page.url, response.text()
