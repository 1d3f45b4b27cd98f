from django.db import migrations

# As for events (events/0007): the offers cache version moves to semaine_data_version.
FORWARD = """
DROP TRIGGER offers_offer_listing_version ON offers_offer;
DROP FUNCTION offers_bump_listing_version();
INSERT INTO semaine_data_version (name, value) VALUES
    ('offers', (SELECT last_value + 1 FROM offers_listing_version))
    ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value;
DROP SEQUENCE offers_listing_version;

CREATE CONSTRAINT TRIGGER offers_offer_listing_version
    AFTER INSERT OR DELETE OR UPDATE ON offers_offer
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION semaine_bump_data_version('offers');
CREATE TRIGGER offers_offer_listing_version_truncate
    AFTER TRUNCATE ON offers_offer
    FOR EACH STATEMENT EXECUTE FUNCTION semaine_bump_data_version('offers');
"""


class Migration(migrations.Migration):
    dependencies = [("offers", "0004_listing_version"), ("semaine", "0004_data_version")]

    operations = [migrations.RunSQL(FORWARD)]
