"""How a place name is compared: the same normal form for the stored names and what is typed."""

import re
import unicodedata

# « St » and « Ste » are how people (and France Travail's payloads) shorten Saint and Sainte.
ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
NOT_ALPHANUMERIC = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lower case, no accents, ligatures spelt out; punctuation and hyphens become spaces."""
    text = unicodedata.normalize("NFKD", (text or "").translate(LIGATURES))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(NOT_ALPHANUMERIC.sub(" ", text).split())


def normalise(text: str) -> str:
    """The searchable form of a name: « Saint-Étienne », « st etienne » and « ST ETIENNE » are
    all « saint etienne »."""
    return " ".join(ABBREVIATIONS.get(word, word) for word in fold(text).split())
