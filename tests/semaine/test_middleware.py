"""The project's own middleware: the site's headers set in one step (the CSP built once, one
language), CORS only where it applies, messages made on use."""

import pytest
from csp.constants import NONCE
from csp.exceptions import CSPNonceError
from django.contrib import messages
from django.contrib.messages import get_messages
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.template import Context, Template
from django.test import Client

from semaine.middleware import LazyMessageMiddleware, SiteMiddleware

pytestmark = pytest.mark.django_db


def test_the_widget_keeps_the_sites_policy_but_may_be_framed(client):
    csp = client.get("/widget/evenements/")["Content-Security-Policy"]

    assert "frame-ancestors *" in csp
    assert "script-src 'self'" in csp and "object-src 'none'" in csp


def test_a_changed_policy_shows_on_the_next_response(client, settings):
    assert "img-src 'self' data:" in client.get("/healthz")["Content-Security-Policy"]

    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}

    assert client.get("/healthz")["Content-Security-Policy"] == "default-src 'none'"


def test_no_policy_no_header(client, settings):
    settings.CONTENT_SECURITY_POLICY = None

    assert "Content-Security-Policy" not in client.get("/healthz")


def test_a_report_only_policy_still_goes_through_django_csp(client, settings):
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {
        "DIRECTIVES": {"default-src": ["'self'"], "report-uri": "/csp-report/"}
    }

    response = client.get("/healthz")

    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["Content-Security-Policy-Report-Only"] == (
        "default-src 'self'; report-uri /csp-report/"
    )


def test_a_page_that_uses_a_nonce_has_it_in_its_policy(rf, settings):
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"script-src": ["'self'", NONCE]}}

    def page(request):
        return HttpResponse(
            Template('<script nonce="{{ request.csp_nonce }}"></script>').render(
                Context({"request": request})
            )
        )

    response = SiteMiddleware(page)(rf.get("/"))

    nonce = response.content.decode().split('nonce="')[1].split('"')[0]
    assert len(nonce) >= 16
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]


def test_a_nonce_asked_for_after_the_header_is_written_is_an_error(rf):
    middleware = SiteMiddleware(lambda request: HttpResponse("ok"))

    for _ in range(2):  # every request: the second as the first
        request = rf.get("/")
        middleware(request)
        with pytest.raises(CSPNonceError):
            str(request.csp_nonce)


def test_every_answer_carries_the_sites_headers_even_a_redirect_or_an_error(client, settings):
    missing = client.get("/page-qui-n-existe-pas/")
    settings.SECURE_SSL_REDIRECT = True
    redirect = Client().get("/evenements/")  # a new client: Django's middleware reads it once

    assert redirect.status_code == 301 and redirect["Location"].startswith("https://")
    assert missing.status_code == 404
    for response in (redirect, missing):
        assert len(response["X-Request-ID"]) == 32
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
        assert response["Permissions-Policy"].startswith("camera=()")
        assert response["Content-Language"] == "fr"


def test_a_view_may_set_its_own_permissions_policy(client):
    response = client.get("/")  # the home page: the « Autour de moi » button

    assert "geolocation=(self)" in response["Permissions-Policy"]


def test_cors_headers_on_the_api_and_the_exports_only(client):
    origin = {"HTTP_ORIGIN": "https://region.example"}

    export = client.get("/evenements/export.csv", **origin)
    page = client.get("/evenements/", **origin)
    preflight = client.options("/evenements/", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET", **origin)

    assert export["Access-Control-Allow-Origin"] == "*"
    assert "origin" in export["Vary"].lower()
    assert "Access-Control-Allow-Origin" not in page
    assert "Access-Control-Allow-Methods" not in preflight


def test_a_receiver_of_django_cors_headers_signal_may_open_another_path(client):
    from corsheaders.signals import check_request_enabled

    def open_the_listing(sender, request, **kwargs):
        return request.path == "/evenements/"

    check_request_enabled.connect(open_the_listing)
    try:
        response = client.get("/evenements/", HTTP_ORIGIN="https://region.example")
    finally:
        check_request_enabled.disconnect(open_the_listing)

    assert response["Access-Control-Allow-Origin"] == "*"


def test_pages_are_in_french_whatever_the_browser_asks(client):
    response = client.get("/evenements/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")

    assert response["Content-Language"] == "fr"
    # One language: no answer depends on Accept-Language, and caches need not keep one a language.
    assert "Accept-Language" not in response.get("Vary", "")
    assert "Événements" in response.text
    missing = client.get("/page-qui-n-existe-pas/", HTTP_ACCEPT_LANGUAGE="en")
    assert missing.status_code == 404 and "introuvable" in missing.text.lower()


def test_several_languages_need_djangos_locale_middleware(settings):
    settings.LANGUAGES = [("fr", "Français"), ("en", "English")]

    with pytest.raises(ImproperlyConfigured, match="LocaleMiddleware"):
        SiteMiddleware(lambda request: HttpResponse())


def test_a_page_that_uses_no_message_stores_none(client):
    response = client.get("/evenements/")

    assert "messages" not in response.cookies


def test_a_message_added_by_a_view_is_shown_by_the_next_page(rf):
    def register(request):
        messages.success(request, "Votre inscription est enregistrée.")
        return HttpResponse("ok")

    def next_page(request):
        return HttpResponse(" | ".join(str(m) for m in get_messages(request)))

    request = rf.post("/evenements/1/inscription/")
    request.session = SessionStore()
    stored = LazyMessageMiddleware(register)(request)
    assert "messages" in stored.cookies

    follow = rf.get("/", HTTP_COOKIE=f"messages={stored.cookies['messages'].value}")
    follow.session = SessionStore()
    assert LazyMessageMiddleware(next_page)(follow).content.decode() == (
        "Votre inscription est enregistrée."
    )
