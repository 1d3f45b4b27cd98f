"""Places and distances, shared by the events and offers listings: communes found from what a
visitor types, bounding boxes and great-circle distances in Python and in SQL.

A shared module of `semaine`: it imports neither `events` nor `offers`."""
