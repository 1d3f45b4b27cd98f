"""Events of the week, their organisers and the jobseekers' registrations.

Django looks for an app's models in its `models` module; they live in this package's modules,
one subject each, and are imported here.
"""

from events.models.event import (
    AVAILABILITY_VERSION,
    LISTING_VERSION,
    SEATS_VERSION,
    Event,
    EventQuerySet,
)
from events.models.message import EventMessage, EventMessageRecipient
from events.models.organiser import Organiser
from events.models.proposal import Proposal, ProposalDate, ProposalDecision
from events.models.registration import Registration, RegistrationQuerySet, WalkIn
from events.models.rules import MAX_DURATION
from events.models.staff import RegistrantAccess, StaffProfile
from events.models.survey import QUESTIONS, SurveyAnswer

__all__ = [
    "AVAILABILITY_VERSION",
    "LISTING_VERSION",
    "MAX_DURATION",
    "QUESTIONS",
    "SEATS_VERSION",
    "Event",
    "EventMessage",
    "EventMessageRecipient",
    "EventQuerySet",
    "Organiser",
    "Proposal",
    "ProposalDate",
    "ProposalDecision",
    "RegistrantAccess",
    "Registration",
    "RegistrationQuerySet",
    "StaffProfile",
    "SurveyAnswer",
    "WalkIn",
]
