"""What staff may do to one registration, and who is e-mailed when they do it.

The admin offers only the actions these rules allow (`registration_actions`), each saying
beforehand who receives an e-mail; `registration_action_run` then does it through the
registration services, which decide again under the event's row lock (the counters may have
moved between the page and the click) and say what happened.
"""

import dataclasses
import enum

from django.conf import settings

from events.models import Event, Registration
from events.services.registration import (
    MODE_NOT_OFFERED,
    RegistrationError,
    registration_cancel,
    registration_modes,
    registration_move,
    registration_move_refusal,
    registration_reinstate,
)


class Action(enum.StrEnum):
    # The values are the last segment of the admin's URLs (/admin/…/registration/<id>/annuler/).
    CANCEL = "annuler"
    REINSTATE = "retablir"
    MOVE = "participation"


@dataclasses.dataclass(frozen=True)
class ActionPlan:
    action: Action
    label: str  # the button: « Annuler l'inscription »
    notice: str  # who is e-mailed, said before it is done; "" in `registration_actions`


def _mode_label(mode: str) -> str:
    return Registration.Mode(mode).label.lower()


def _other_mode(mode: str) -> str:
    if mode == Registration.Mode.PRESENTIEL:
        return Registration.Mode.DISTANCIEL
    return Registration.Mode.PRESENTIEL


def _where(event: Event, mode: str) -> str:
    return f" ({_mode_label(mode)})" if event.modalite == Event.Modalite.HYBRIDE else ""


def _waiting(event: Event, mode: str) -> int:
    return Registration.objects.waitlisted().filter(event=event, mode=mode).count()


def _seat_freed_notice(event: Event, mode: str) -> str:
    """What becomes of a seat given back in `mode`."""
    if event.is_published and _waiting(event, mode):
        return (
            f"la première personne de la liste d'attente{_where(event, mode)} reçoit sa place, "
            "et un e-mail qui le lui annonce."
        )
    return f"sa place{_where(event, mode)} redevient libre ; personne d'autre n'est prévenu."


# -- cancel -------------------------------------------------------------------------------------


def _cancel_refusal(registration: Registration) -> str:
    if registration.is_cancelled:
        return "Cette inscription est déjà annulée."
    return registration.event.cancellation_closed_reason()


def _cancel_notice(registration: Registration) -> str:
    event = registration.event
    if registration.is_pending:
        # Nothing more goes to an address nobody vouched for (double opt-in).
        unconfirmed = "Son adresse n'a pas été confirmée : la personne ne reçoit aucun e-mail. "
        if not registration.seat_held:
            return unconfirmed + "Elle ne retenait aucune place."
        if event.is_published and _waiting(event, registration.mode):
            return unconfirmed + (
                "La place qu'elle retenait va à la première personne de la liste "
                f"d'attente{_where(event, registration.mode)}, qui en reçoit un e-mail."
            )
        return unconfirmed + "La place qu'elle retenait redevient libre."
    if registration.is_waitlisted:
        return (
            "La personne reçoit un e-mail d'annulation et quitte la liste d'attente ; "
            "personne d'autre n'est prévenu."
        )
    return "La personne reçoit un e-mail d'annulation ; " + _seat_freed_notice(
        event, registration.mode
    )


# -- reinstate ----------------------------------------------------------------------------------


def _seat_for(registration: Registration) -> bool:
    """Whether a reinstated registration would get a seat (a free one nobody waits for)."""
    event, mode = registration.event, registration.mode
    left = event.seats_left_for(mode)
    return (left is None or left > 0) and not _waiting(event, mode)


def _reinstate_refusal(registration: Registration) -> str:
    event = registration.event
    if not registration.is_cancelled:
        return "Cette inscription n'est pas annulée."
    if registration.anonymised_at:
        return "Cette inscription a été anonymisée."
    if not event.registration_open:
        return event.registration_closed_reason()
    if registration.mode not in registration_modes(event):
        return MODE_NOT_OFFERED.format(mode=registration.get_mode_display())
    waitlist_full = _waiting(event, registration.mode) >= settings.REGISTRATION_WAITLIST_LIMIT
    if waitlist_full and not _seat_for(registration):
        return (
            f"Plus de place libre{_where(event, registration.mode)}, et la liste d'attente "
            "est pleine."
        )
    return ""


def _reinstate_notice(registration: Registration) -> str:
    where = _where(registration.event, registration.mode)
    if _seat_for(registration):
        return (
            f"Une place est libre{where} : l'inscription est confirmée, et la personne reçoit "
            "un e-mail qui le lui annonce."
        )
    position = _waiting(registration.event, registration.mode) + 1
    return (
        f"Plus de place libre{where} : la personne est inscrite en fin de liste d'attente "
        f"(position {position}) et reçoit un e-mail qui le lui annonce."
    )


# -- move to the other mode ---------------------------------------------------------------------


def _move_refusal(registration: Registration) -> str:
    return registration_move_refusal(
        registration.event, registration, _other_mode(registration.mode)
    )


def _move_notice(registration: Registration) -> str:
    mode = _other_mode(registration.mode)
    details = "le lien de connexion" if mode == Registration.Mode.DISTANCIEL else "l'adresse"
    notice = (
        f"La personne participe désormais {_mode_label(mode)} et reçoit un e-mail qui le lui "
        f"dit, avec {details}"
    )
    if registration.is_confirmed:
        return notice + " ; " + _seat_freed_notice(registration.event, registration.mode)
    return notice + " : elle quitte la liste d'attente pour une place libre."


def _move_label(registration: Registration) -> str:
    return f"Passer {_mode_label(_other_mode(registration.mode))}"


# -- the admin's entry points -------------------------------------------------------------------

RULES = {
    Action.CANCEL: (_cancel_refusal, _cancel_notice, lambda r: "Annuler l'inscription"),
    Action.REINSTATE: (_reinstate_refusal, _reinstate_notice, lambda r: "Rétablir l'inscription"),
    Action.MOVE: (_move_refusal, _move_notice, _move_label),
}


def registration_actions(registration: Registration) -> list[ActionPlan]:
    """The actions the rules allow on `registration` (its event joined) now, without their
    notices (a list of registrations shows them all)."""
    return [
        ActionPlan(action, label(registration), "")
        for action, (refusal, _, label) in RULES.items()
        if not refusal(registration)
    ]


def registration_action_plan(registration: Registration, action: str) -> ActionPlan | str:
    """`action` on `registration` with who it e-mails, or why the rules refuse it."""
    try:
        refusal, notice, label = RULES[Action(action)]
    except ValueError:
        return "Action inconnue."
    reason = refusal(registration)
    if reason:
        return reason
    return ActionPlan(Action(action), label(registration), notice(registration))


def _promoted_text(promoted: list) -> str:
    if not promoted:
        return ""
    return (
        f" {len(promoted)} personne(s) de la liste d'attente ont reçu la place libérée "
        "(e-mail envoyé)."
    )


def registration_action_run(*, registration: Registration, action: str) -> str:
    """Do `action` (the services check the rules again under the lock); returns what
    happened, in French, for staff. RegistrationError when the rules refuse it now."""
    plan = registration_action_plan(registration, action)
    if not isinstance(plan, ActionPlan):
        raise RegistrationError(plan)
    if plan.action == Action.CANCEL:
        was_pending = registration.is_pending
        promoted = registration_cancel(registration=registration, notify=True)
        told = "" if was_pending else " La personne est prévenue par e-mail."
        return f"Inscription annulée.{told}{_promoted_text(promoted)}"
    if plan.action == Action.REINSTATE:
        current = registration_reinstate(registration=registration)
        outcome = "confirmée" if current.is_confirmed else "en liste d'attente"
        return f"Inscription rétablie, {outcome}. La personne est prévenue par e-mail."
    promoted = registration_move(registration=registration, mode=_other_mode(registration.mode))
    return (
        f"Participation changée : {_mode_label(registration.mode)}. "
        f"La personne est prévenue par e-mail.{_promoted_text(promoted)}"
    )
