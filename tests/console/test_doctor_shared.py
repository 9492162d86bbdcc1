"""What Amazon sent to the Login URI reaches the doctor of every worker: it lives in the database,
not in the process that happened to answer Amazon."""

from app import create_app
from tests.conftest import base_config
from tests.oauth.test_login_uri import login_params


def test_another_process_on_the_same_database_sees_what_amazon_sent(tmp_path, lwa_url, migrated_database_url):
    # A published app, and Amazon still sends version=beta: Amazon has the app as a draft.
    config = base_config(
        tmp_path, LWA_TOKEN_URL=lwa_url, DATABASE_URL=migrated_database_url, SPAPI_APP_STATUS="published"
    )
    answering = create_app({**config, "SPAPI_INSTANCE_PATH": str(tmp_path / "one")})
    other = create_app({**config, "SPAPI_INSTANCE_PATH": str(tmp_path / "two")})
    try:
        assert answering.test_client().get("/oauth/login", query_string=login_params()).status_code == 302
        with other.app_context():
            from web.shared.explaining import doctor_findings

            messages = [finding.message for finding in doctor_findings()]
        assert any("last Login URI call carried version=beta" in m for m in messages), messages
    finally:
        answering.extensions["spapi"].engine.dispose()
        other.extensions["spapi"].engine.dispose()
