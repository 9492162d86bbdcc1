"""rotate-keys re-encrypts Associates credentials too, so the old key can be removed."""

from cryptography.fernet import Fernet

from app import create_app
from auth.associates.credentials import add_credential
from auth.associates.credentials import get_credential
from auth.associates.credentials import open_secrets
from tests.associates.conftest import json_of
from tests.conftest import base_config


def test_rotate_keys_re_encrypts_associates_credentials(tmp_path):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    first = create_app(base_config(tmp_path, TOKEN_ENCRYPTION_KEYS=old_key))
    svc = first.extensions["spapi"]
    with svc.sessions() as db:
        row = add_credential(
            db,
            svc.vault,
            label="blog",
            api="paapi5",
            key_id="AKIAABCDEFGHIJKLMNOP",
            secret="k" * 40,
            partner_tag="blog-20",
            marketplace_code="US",
        )
        credential = row.id
    both = create_app(base_config(tmp_path, TOKEN_ENCRYPTION_KEYS=f"{new_key},{old_key}"))
    result = both.test_cli_runner().invoke(args=["spapi", "rotate-keys", "--json"])
    assert result.exit_code == 0
    assert json_of(result.output)["associates_rotated"] == 1
    newest = create_app(base_config(tmp_path, TOKEN_ENCRYPTION_KEYS=new_key))
    with newest.extensions["spapi"].sessions() as db:
        assert (
            open_secrets(newest.extensions["spapi"].vault, get_credential(db, credential)).secret == "k" * 40
        )
    lost = create_app(base_config(tmp_path, TOKEN_ENCRYPTION_KEYS=Fernet.generate_key().decode()))
    failed = lost.test_cli_runner().invoke(args=["spapi", "rotate-keys"])
    assert failed.exit_code == 1 and f"Associates credential {credential}" in failed.output
    for app in (first, both, newest, lost):
        app.extensions["spapi"].engine.dispose()


def test_a_credential_sealed_under_a_removed_key_is_named_not_a_500(tmp_path):
    import requests

    from auth.security.api_keys import create_key
    from tests.associates.conftest import add_account
    from tests.conftest import live_simulator

    with live_simulator(tmp_path, TOKEN_ENCRYPTION_KEYS=Fernet.generate_key().decode()) as old:
        credential = add_account(old.app, "creators-ok")
    with live_simulator(tmp_path, TOKEN_ENCRYPTION_KEYS=Fernet.generate_key().decode()) as server:
        result = server.app.test_cli_runner().invoke(
            args=["spapi", "associates", "check", str(credential), "--json"]
        )
        assert result.exit_code == 1 and "cannot be decrypted" in json_of(result.output)["error"]
        with server.app.extensions["spapi"].sessions() as db:
            key = create_key(db, "plugin", operations=["associates"]).bearer
        url = f"{server.url}/api/v1/associates/{credential}/check"
        answer = requests.post(url, headers={"Authorization": f"Bearer {key}"}, timeout=30)
        assert answer.status_code == 409 and answer.json()["error"]["code"] == "unreadable"
        # The database failing under the check (its table gone) is a 503 with Retry-After.
        with server.app.extensions["spapi"].engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE associates_credentials")
        down = requests.post(url, headers={"Authorization": f"Bearer {key}"}, timeout=30)
        assert down.status_code == 503 and down.headers["Retry-After"] == "5"
