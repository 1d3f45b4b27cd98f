from django.db import migrations

# As for events (events/0004): every write to offers bumps a sequence that keys the cached facet
# counts, so an import or an admin change is visible at once on every instance.
FORWARD = """
CREATE SEQUENCE IF NOT EXISTS offers_listing_version;
CREATE OR REPLACE FUNCTION offers_bump_listing_version() RETURNS trigger AS $$
BEGIN
    PERFORM nextval('offers_listing_version');
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER offers_offer_listing_version
    AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON offers_offer
    FOR EACH STATEMENT EXECUTE FUNCTION offers_bump_listing_version();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS offers_offer_listing_version ON offers_offer;
DROP FUNCTION IF EXISTS offers_bump_listing_version();
DROP SEQUENCE IF EXISTS offers_listing_version;
"""


class Migration(migrations.Migration):
    dependencies = [("offers", "0003_listing_indexes")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
