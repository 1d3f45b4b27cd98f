"""The partners' pages: the proposal form (/evenements/proposer/), its answer, and the contact's
page reached by the signed link of their e-mails (confirm the address, follow the moderation,
edit, cancel, see who registered). No account: the link is the key."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from events.exports.registrants import registrants_csv_response
from events.models import Proposal, RegistrantAccess, Registration
from events.models.proposal import UNCONFIRMED_DAYS
from events.proposal_forms import ProposalForm, date_formset, proposal_data
from events.services.audit import record_contact_access
from events.services.proposals import (
    ProposalError,
    proposal_cancel,
    proposal_confirm,
    proposal_create,
    proposal_events,
    proposal_update,
)
from semaine.db_router import reads_primary
from semaine.ratelimit import rate_limited
from semaine.ratelimit import retry_after as rate_limit_retry_after

SESSION_KEY = "proposal_sent"


def _form_page(request, form, formset, *, proposal=None, token="", status=200):
    context = {"form": form, "dates": formset, "proposal": proposal, "token": token}
    return render(request, "events/proposal_form.html", context, status=status)


@reads_primary
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def propose(request):
    if request.method != "POST":
        return _form_page(request, ProposalForm(), date_formset())
    retry_after = rate_limit_retry_after(request, scope="proposal")
    if retry_after:
        response = render(
            request,
            "events/proposal_rate_limited.html",
            {"retry_minutes": max(1, round(retry_after / 60))},
            status=429,
        )
        response["Retry-After"] = str(retry_after)
        return response
    form, formset = ProposalForm(request.POST), date_formset(request.POST)
    if form.is_valid() and formset.is_valid():
        try:
            proposal_create(data=proposal_data(form, formset))
        except ProposalError as exc:
            form.add_error(None, str(exc))
        else:
            request.session[SESSION_KEY] = True
            return redirect("events:proposal_sent")
    return _form_page(request, form, formset, status=400)


@never_cache
@require_http_methods(["GET", "HEAD"])
def proposal_sent(request):
    if not request.session.get(SESSION_KEY):
        return redirect("events:propose")
    return render(request, "events/proposal_sent.html", {"unconfirmed_days": UNCONFIRMED_DAYS})


def _proposal(token) -> Proposal:
    proposal = Proposal.from_token(token)
    if proposal is None:
        raise Http404("Ce lien n'est pas valide ou a expiré.")
    return proposal


def _registrations(proposal: Proposal):
    """The registrants (not cancelled) of the events published from `proposal`."""
    return Registration.objects.filter(event__in=proposal_events(proposal)).active()


def _manage_context(proposal: Proposal, token: str, **more) -> dict:
    events = list(proposal_events(proposal).select_related("department"))
    registrations = (
        list(
            _registrations(proposal)
            .select_related("event", "event__department")
            .order_by("event__start", "last_name", "first_name")
        )
        if events
        else []
    )
    if registrations:
        # People's names shown: recorded, as when staff open an event's registrants.
        record_contact_access(
            proposal, RegistrantAccess.Action.EVENT_PAGE, events, rows=len(registrations)
        )
    return {
        "proposal": proposal,
        "token": token,
        "dates": list(proposal.dates.select_related("event")),
        "decisions": list(proposal.decisions.all()),
        "events": events,
        "registrations": registrations,
        **more,
    }


@reads_primary
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def proposal_manage(request, token):
    """The contact's page. A GET changes nothing (a mail scanner follows links): confirming
    the address and cancelling are buttons."""
    proposal = _proposal(token)
    context = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "confirm":
                context["just_confirmed"] = proposal_confirm(proposal=proposal)
            elif action == "cancel":
                context["registrants_told"] = proposal_cancel(proposal=proposal)
                context["just_cancelled"] = True
            else:
                context["error"] = "Action inconnue."
        except ProposalError as exc:
            context["error"] = str(exc)
        proposal = _proposal(token)
    status = 400 if context.get("error") else 200
    return render(
        request,
        "events/proposal_manage.html",
        _manage_context(proposal, token, **context),
        status=status,
    )


@reads_primary
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def proposal_edit(request, token):
    proposal = _proposal(token)
    if not proposal.is_editable:
        context = _manage_context(
            proposal, token, error="Cette proposition ne peut plus être modifiée."
        )
        return render(request, "events/proposal_manage.html", context, status=400)
    if request.method != "POST":
        form = ProposalForm(instance=proposal)
        return _form_page(
            request, form, date_formset(proposal=proposal), proposal=proposal, token=token
        )
    form = ProposalForm(request.POST, instance=proposal)
    formset = date_formset(request.POST)
    if form.is_valid() and formset.is_valid():
        try:
            proposal_update(proposal=proposal, data=proposal_data(form, formset))
        except ProposalError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("events:proposal_manage", token=token)
    return _form_page(request, form, formset, proposal=proposal, token=token, status=400)


@reads_primary
@never_cache
@rate_limited("export")
@require_http_methods(["GET", "HEAD"])
def proposal_registrants_csv(request, token):
    """The registrants of the contact's events as the admin exports them (CSV for Excel)."""
    proposal = _proposal(token)
    registrations = _registrations(proposal)
    record_contact_access(
        proposal,
        RegistrantAccess.Action.EXPORT,
        proposal_events(proposal),
        rows=registrations.count(),
    )
    return registrants_csv_response(registrations, f"inscrits-proposition-{proposal.pk}.csv")
