from django.db import migrations

# The cache versions move from sequences to semaine_data_version (why: semaine/0004), bumped when
# the writing transaction commits. The columns watched are those of events/0004 and events/0006.
LISTED_COLUMNS = (
    'title, description, city, type, modalite, start, "end", department_id, region_id, status, '
    "audience, sectors, organiser_id, edition_id, capacity_onsite, capacity_online"
)
FORWARD = f"""
DROP TRIGGER events_event_listing_version ON events_event;
DROP TRIGGER events_event_listing_version_truncate ON events_event;
DROP TRIGGER events_event_trades_listing_version ON events_event_trades;
DROP TRIGGER events_event_seats_version ON events_event;
DROP FUNCTION events_bump_listing_version();
DROP FUNCTION events_bump_seats_version();
INSERT INTO semaine_data_version (name, value) VALUES
    ('events', (SELECT last_value + 1 FROM events_listing_version)),
    ('seats', (SELECT last_value + 1 FROM events_seats_version))
    ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value;
DROP SEQUENCE events_listing_version;
DROP SEQUENCE events_seats_version;

CREATE CONSTRAINT TRIGGER events_event_listing_version
    AFTER INSERT OR DELETE OR UPDATE OF {LISTED_COLUMNS} ON events_event
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION semaine_bump_data_version('events');
CREATE CONSTRAINT TRIGGER events_event_trades_listing_version
    AFTER INSERT OR DELETE OR UPDATE ON events_event_trades
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION semaine_bump_data_version('events');
CREATE TRIGGER events_event_listing_version_truncate
    AFTER TRUNCATE ON events_event
    FOR EACH STATEMENT EXECUTE FUNCTION semaine_bump_data_version('events');
CREATE TRIGGER events_event_trades_listing_version_truncate
    AFTER TRUNCATE ON events_event_trades
    FOR EACH STATEMENT EXECUTE FUNCTION semaine_bump_data_version('events');
CREATE CONSTRAINT TRIGGER events_event_seats_version
    AFTER UPDATE OF confirmed_onsite, confirmed_online ON events_event
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (OLD.confirmed_onsite IS DISTINCT FROM NEW.confirmed_onsite
          OR OLD.confirmed_online IS DISTINCT FROM NEW.confirmed_online)
    EXECUTE FUNCTION semaine_bump_data_version('seats');
"""


class Migration(migrations.Migration):
    dependencies = [("events", "0006_seats_version"), ("semaine", "0004_data_version")]

    # One way: going back would need the sequences' old triggers; restore a backup instead.
    operations = [migrations.RunSQL(FORWARD)]
