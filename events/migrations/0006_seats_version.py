from django.db import migrations

# Registrations move the seat counters without touching what the listing version watches (so the
# facet counts stay cached); the pages that show seats are keyed by this sequence too.
FORWARD = """
CREATE SEQUENCE IF NOT EXISTS events_seats_version;
CREATE OR REPLACE FUNCTION events_bump_seats_version() RETURNS trigger AS $$
BEGIN
    PERFORM nextval('events_seats_version');
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER events_event_seats_version
    AFTER UPDATE OF confirmed_onsite, confirmed_online ON events_event
    FOR EACH STATEMENT EXECUTE FUNCTION events_bump_seats_version();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS events_event_seats_version ON events_event;
DROP FUNCTION IF EXISTS events_bump_seats_version();
DROP SEQUENCE IF EXISTS events_seats_version;
"""


class Migration(migrations.Migration):
    dependencies = [("events", "0005_event_max_duration")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
