"""Rules held both by the database (check and unique constraints) and by the code, worded once.

The constraint's `violation_error_message` and the check in Python that says the same earlier,
next to the field at fault (`Event.clean()`, the registration services), read it from here.
"""

import datetime
import re

# No event of the week lasts longer.
MAX_DURATION = datetime.timedelta(days=31)

END_AFTER_START = "La fin doit être après le début."
AT_MOST_MAX_DURATION = f"Un événement ne peut pas durer plus de {MAX_DURATION.days} jours."
ONLINE_HAS_LINK = "Un événement en ligne ou hybride doit avoir un lien de connexion."
# One constraint for both; clean() names the one missing next to its field.
_ONSITE_HAS = "Un événement sur place ou hybride doit avoir {}."
ONSITE_HAS_ADDRESS_AND_DEPARTMENT = _ONSITE_HAS.format("une adresse et un département")
ONSITE_HAS_ADDRESS = _ONSITE_HAS.format("une adresse")
ONSITE_HAS_DEPARTMENT = _ONSITE_HAS.format("un département")
# The place of an online-only event is the link: a town there would put it on the map, in the
# searches of that town and in calendars' « lieu », where nobody is expected.
ONLINE_HAS_NO_VENUE = (
    "Un événement en ligne n'a pas de lieu : videz le lieu, l'adresse, le code postal et la "
    "ville, ou choisissez « Sur place et en ligne »."
)

ONE_REGISTRATION_PER_EMAIL = "Cette adresse e-mail est déjà inscrite à cet événement."

# A phone number as people type it (spaces, dots, dashes, brackets, a leading +): the
# registration and proposal forms.
PHONE_RE = re.compile(r"^\+?[0-9 .()\-]{6,20}$")
