from django.db import migrations

# An "availability" version (semaine/0004): what the listings' cards say of the seats. They give
# the exact number of seats left only for the last ones (Event.FEW_SEATS, 10), so it moves only
# when a seat counter changes within the last 10 seats of a mode (becoming full or not included);
# a registration far from the end leaves every listing page cached. A superset of the cards'
# changes: for a hybrid event the card sums both modes, and each mode's seats are at most the sum.
# NULL capacities (no limit) compare to NULL: no bump.
FORWARD = """
INSERT INTO semaine_data_version (name) VALUES ('availability') ON CONFLICT (name) DO NOTHING;
CREATE CONSTRAINT TRIGGER events_event_availability_version
    AFTER UPDATE OF confirmed_onsite, confirmed_online ON events_event
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (OLD.capacity_onsite - OLD.confirmed_onsite <= 10
          OR NEW.capacity_onsite - NEW.confirmed_onsite <= 10
          OR OLD.capacity_online - OLD.confirmed_online <= 10
          OR NEW.capacity_online - NEW.confirmed_online <= 10)
    EXECUTE FUNCTION semaine_bump_data_version('availability');
"""
BACKWARD = """
DROP TRIGGER IF EXISTS events_event_availability_version ON events_event;
DELETE FROM semaine_data_version WHERE name = 'availability';
"""


class Migration(migrations.Migration):
    dependencies = [("events", "0008_facet_covering_index"), ("semaine", "0004_data_version")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
