"""The pages of « Prévenez-moi »: subscribe to a selection, confirm, manage, unsubscribe."""

from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from alerts.forms import AlertForm
from alerts.models import MANAGE_TOKEN_SALT, Alert
from alerts.selection import Selection
from alerts.services import (
    AlertLinkError,
    alert_confirm,
    alert_delete,
    alert_from_token,
    alert_resume,
    alert_subscribe,
)
from semaine.db_router import reads_primary
from semaine.ratelimit import rate_limit_message
from semaine.ratelimit import retry_after as rate_limit_retry_after

SESSION_KEY = "alert_requested"


def _selection_context(selection: Selection) -> dict:
    listing = reverse(selection.listing.url_name)
    return {
        "selection": selection,
        "listing_url": f"{listing}?{selection.query}" if selection.query else listing,
        "events": selection.nature == "evenements",
    }


@reads_primary
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def new(request):
    """/alertes/nouvelle/?<a listing's query string>[&nature=offres]: an address for the
    selection. A selection the listing would partly ignore is refused with its messages."""
    selection = Selection.from_request(request.GET)
    context = _selection_context(selection)
    errors = selection.errors()
    if errors:
        return render(
            request, "alerts/new.html", {**context, "selection_errors": errors}, status=400
        )
    if request.method != "POST":
        return render(request, "alerts/new.html", {**context, "form": AlertForm()})

    retry_after = rate_limit_retry_after(request, scope="alert")
    if retry_after:
        context["rate_limited"] = rate_limit_message(retry_after)
        response = render(request, "alerts/new.html", {**context, "form": AlertForm()}, status=429)
        response["Retry-After"] = str(retry_after)
        return response
    form = AlertForm(request.POST)
    if not form.is_valid():
        return render(request, "alerts/new.html", {**context, "form": form}, status=400)
    alert_subscribe(email=form.cleaned_data["email"], selection=selection)
    # The same page whatever happened (new, pending, already followed, limit reached): it must
    # not tell whether the address is known. The session holds no address.
    request.session[SESSION_KEY] = {"nature": selection.nature, "query": selection.query}
    return redirect("alerts:requested")


@never_cache
@require_safe
def requested(request):
    done = request.session.get(SESSION_KEY)
    if not done:
        return redirect("events:list")
    selection = Selection.stored(done["nature"], done["query"])
    return render(
        request,
        "alerts/requested.html",
        {**_selection_context(selection), "confirm_days": settings.ALERT_CONFIRM_DAYS},
    )


def _link_error(request, exc: AlertLinkError, status: int = 400):
    return render(request, "alerts/link_error.html", {"error": str(exc)}, status=status)


@reads_primary
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    """The link of the confirmation e-mail: a page with a button (a mail scanner following the
    link must not confirm for the person), then the outcome."""
    try:
        if request.method == "POST":
            alert, just_confirmed = alert_confirm(token=token)
        else:
            alert, just_confirmed = alert_from_token(token, confirm=True), False
    except AlertLinkError as exc:
        return _link_error(request, exc)
    return render(
        request,
        "alerts/confirm.html",
        {
            **_selection_context(Selection.of(alert)),
            "alert": alert,
            "just_confirmed": just_confirmed,
            "manage_token": alert.manage_token(),
        },
    )


@reads_primary
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def manage(request, token):
    """/alertes/<token>/: the alert, when it expires, and buttons to delete it or resume the
    address's alerts after its mailbox refused a digest."""
    try:
        alert = alert_from_token(token)
    except AlertLinkError as exc:
        return _gone(request, token, exc)
    if request.method == "POST":
        if request.POST.get("action") == "delete":
            alert_delete(alert=alert)
            return render(request, "alerts/deleted.html", _selection_context(Selection.of(alert)))
        if request.POST.get("action") == "resume":
            alert_resume(alert=alert)
            return redirect("alerts:manage", token=token)
    return render(
        request,
        "alerts/manage.html",
        {
            **_selection_context(Selection.of(alert)),
            "alert": alert,
            "token": token,
            "paused": alert.subscriber.bounced_at is not None,
        },
    )


def _stored(alert: Alert) -> Selection:
    return Selection.of(alert)


def _gone(request, token: str, exc: AlertLinkError):
    """A genuine link of an alert deleted since says so plainly; a forged one is an error."""
    if Alert.pk_from_token(token, salt=MANAGE_TOKEN_SALT) is not None:
        return render(request, "alerts/deleted.html", {"already": True})
    return _link_error(request, exc)


# The one-click unsubscribe (RFC 8058) is a POST from the mail client, with no page and no CSRF
# token: the signed link is the credential.
@csrf_exempt
@reads_primary
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """The List-Unsubscribe link of the digests: a POST deletes the alert (a second one finds it
    gone and says so); a GET, a link opened by a person, shows a button."""
    try:
        alert = alert_from_token(token)
    except AlertLinkError as exc:
        return _gone(request, token, exc)
    if request.method == "POST":
        alert_delete(alert=alert)
        return render(request, "alerts/deleted.html", _selection_context(Selection.of(alert)))
    return render(
        request,
        "alerts/unsubscribe.html",
        {**_selection_context(Selection.of(alert)), "alert": alert},
    )
