"""The project's own middleware: the CSP built once, one language, messages made on use."""

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse

from semaine.middleware import LazyMessageMiddleware, SingleLanguageMiddleware

pytestmark = pytest.mark.django_db


def test_the_widget_keeps_the_sites_policy_but_may_be_framed(client):
    csp = client.get("/widget/evenements/")["Content-Security-Policy"]

    assert "frame-ancestors *" in csp
    assert "script-src 'self'" in csp and "object-src 'none'" in csp


def test_a_changed_policy_shows_on_the_next_response(client, settings):
    assert "img-src 'self' data:" in client.get("/healthz")["Content-Security-Policy"]

    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}

    assert client.get("/healthz")["Content-Security-Policy"] == "default-src 'none'"


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
        SingleLanguageMiddleware(lambda request: HttpResponse())


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
