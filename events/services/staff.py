"""Setting up a new staff member in one step: the account, its role and perimeter, and the
invitation e-mail with which they choose their password."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from events.emails import queue_invitation
from events.models import Organiser, StaffProfile
from semaine.models import Region


def staff_invite(
    *,
    invited_by,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    organiser: Organiser | None = None,
    region: Region | None = None,
):
    """Create the account of a staff member (« Statut équipe », the group of `role`, their
    perimeter) and queue their invitation, in one transaction: an account exists if and only
    if its invitation is on its way. The e-mail address, lower-cased, is the username.

    The caller (the admin's form) has checked that `invited_by` may give this role and
    perimeter (events.scoping.invitable_*) and that the address is free; the username's
    unique constraint is the backstop of two invitations racing."""
    email = email.strip().lower()
    with transaction.atomic():
        user = get_user_model()(
            username=email,
            email=email,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            is_staff=True,
            is_active=True,
        )
        # No password until they choose one through the invitation's link.
        user.set_unusable_password()
        user.save()
        user.groups.set([Group.objects.get(name=role)])
        if organiser is not None or region is not None:
            StaffProfile.objects.create(user=user, organiser=organiser, region=region)
        queue_invitation(user, invited_by)
    return user


def staff_invitation_resend(*, invited_by, users) -> int:
    """Queue a new invitation for each of `users` who has not chosen a password yet (their last
    link expired, or the e-mail was lost); returns how many. An account with a password is
    left alone: its owner logs in, or asks for a reset."""
    sent = 0
    with transaction.atomic():
        for user in users:
            if user.is_active and not user.has_usable_password():
                queue_invitation(user, invited_by)
                sent += 1
    return sent
