"""Registration pages: the form, its answer, the links of the e-mails (confirm, cancel).

The answer to the form is the same whether or not the address was already registered
(« Vérifiez votre boîte mail »): what the person has is told by e-mail, to them only.
"""

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from events.forms import RegistrationForm
from events.models import Event
from events.qr import checkin_qr_svg
from events.services.registration import (
    ConfirmationExpired,
    RegistrationError,
    registration_cancel,
    registration_confirm,
    registration_create,
    registration_from_confirm_token,
    registration_from_token,
)
from semaine.db_router import reads_primary
from semaine.errors import DATABASE_UNAVAILABLE, RETRY_AFTER_SECONDS, UNAVAILABLE_MESSAGE
from semaine.ratelimit import network_key
from semaine.ratelimit import retry_after as rate_limit_retry_after

SESSION_KEY = "registrations"
# What the per-event cap of registrations from one network is keyed on (its own hash, so that
# the value stored on a registration is not the rate limiter's cache key).
NETWORK_PURPOSE = "events.registration.network"


# The event as its form last showed it: what the form is shown with again when the database is
# away at the moment of the POST.
FORM_EVENT_SECONDS = 60 * 60


def _event(pk):
    # Drafts are not public: 404, as on the event page.
    return get_object_or_404(
        Event.objects.public().select_related("department", "region", "organiser"), pk=pk
    )


def _form_event_key(pk) -> str:
    return f"registration-form-event:{pk}"


def _unavailable(request, event, form):
    """The form again, with what the person typed and why nothing was stored."""
    form.add_error(None, UNAVAILABLE_MESSAGE)
    response = render(
        request, "events/registration_form.html", {"event": event, "form": form}, status=503
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@reads_primary
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def register(request, pk):
    try:
        event = _event(pk)
    except DATABASE_UNAVAILABLE:
        event = cache.get(_form_event_key(pk)) if request.method == "POST" else None
        if event is None:
            raise  # the 503 page (semaine.errors)
        return _unavailable(request, event, RegistrationForm(request.POST, event=event))
    if not event.registration_open:
        return render(
            request,
            "events/registration_closed.html",
            {"event": event, "reason": event.registration_closed_reason()},
            status=200 if request.method != "POST" else 400,
        )
    if request.method != "POST":
        form = RegistrationForm(event=event)
        cache.set(_form_event_key(pk), event, FORM_EVENT_SECONDS)
        return render(request, "events/registration_form.html", {"event": event, "form": form})

    retry_after = rate_limit_retry_after(request, scope="registration")
    if retry_after:
        response = render(
            request,
            "events/registration_rate_limited.html",
            {"event": event, "retry_minutes": max(1, round(retry_after / 60))},
            status=429,
        )
        response["Retry-After"] = str(retry_after)
        return response

    form = RegistrationForm(request.POST, event=event)
    if form.is_valid():
        data = form.cleaned_data
        try:
            registration_create(
                event=event,
                mode=data.get("mode", ""),
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                phone=data["phone"],
                situation=data["situation"],
                consent_contact=data["consent_contact"],
                network=network_key(request, purpose=NETWORK_PURPOSE),
            )
        except RegistrationError as exc:
            form.add_error(None, str(exc))
        except DATABASE_UNAVAILABLE:
            # Its transaction rolled back: nothing stored, no e-mail queued.
            return _unavailable(request, event, form)
        else:
            # The same session entry and redirect whether the registration is new or not: the
            # answer must not tell (the session holds no id either).
            done = request.session.get(SESSION_KEY, {})
            done[str(event.pk)] = True
            request.session[SESSION_KEY] = done
            return redirect("events:registration_done", pk=event.pk)
    return render(
        request, "events/registration_form.html", {"event": event, "form": form}, status=400
    )


@reads_primary
@never_cache
@require_http_methods(["GET", "HEAD"])
def registration_done(request, pk):
    event = _event(pk)
    if request.session.get(SESSION_KEY, {}).get(str(event.pk)) is not True:
        return redirect(event)
    return render(
        request,
        "events/registration_done.html",
        {"event": event, "confirm_minutes": settings.REGISTRATION_CONFIRM_MINUTES},
    )


@reads_primary
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    """The link of the confirmation e-mail: a page with a button (a link followed by a mail
    scanner must not confirm for the person), then the outcome."""
    template = "events/registration_confirm.html"
    try:
        if request.method == "POST":
            # The service reads the link itself (and expires a late registration).
            result = registration_confirm(token=token)
            registration = result.registration
        else:
            result, registration = None, registration_from_confirm_token(token)
    except ConfirmationExpired as exc:
        return render(request, template, _expired_context(exc), status=410)
    except RegistrationError as exc:
        try:
            registration = registration_from_confirm_token(token)
        except RegistrationError:
            return render(request, template, {"error": str(exc)}, status=400)
        context = {"registration": registration, "event": registration.event, "error": str(exc)}
        return render(request, template, context, status=400)
    context = {
        "registration": registration,
        "event": registration.event,
        "just_confirmed": result is not None and result.confirmed_now,
        "position": registration.waitlist_position(),
        # The code to show at the door, once the address is confirmed (as on the page of the
        # cancellation link).
        "checkin_qr": (
            checkin_qr_svg(registration)
            if registration.is_confirmed or registration.is_waitlisted
            else ""
        ),
    }
    return render(request, template, context)


def _expired_context(exc: ConfirmationExpired) -> dict:
    # The way back to the form, while the event takes registrations.
    event = Event.objects.public().filter(pk=exc.event_id).first()
    if event is not None and not event.registration_open:
        event = None
    return {"error": str(exc), "expired": True, "expired_event": event}


@reads_primary
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def cancel(request, token):
    try:
        registration = registration_from_token(token)
    except RegistrationError as exc:
        return render(request, "events/registration_cancel.html", {"error": str(exc)}, status=400)
    context = {
        "registration": registration,
        "event": registration.event,
        "checkin_qr": checkin_qr_svg(registration),
    }
    if request.method == "POST" and not registration.is_cancelled:
        try:
            registration_cancel(registration=registration)
        except RegistrationError as exc:
            context["error"] = str(exc)
            return render(request, "events/registration_cancel.html", context, status=400)
        context["just_cancelled"] = True
    return render(request, "events/registration_cancel.html", context)
