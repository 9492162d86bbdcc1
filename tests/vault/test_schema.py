"""Schema migrations: from an empty database, from the release before migrations, and by
several processes at once, on SQLite and PostgreSQL."""

import multiprocessing
from datetime import UTC
from datetime import datetime
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from auth.tables import metadata
from auth.vault.crypto import TokenVault
from auth.vault.db import make_engine
from auth.vault.db import make_sessions
from auth.vault.schema import current_revision
from auth.vault.schema import head_revision
from auth.vault.schema import pending_revisions
from auth.vault.schema import upgrade
from auth.vault.store import find_authorization
from tests.conftest import TOKEN_KEY

ON_BOTH_DATABASES = True
OLD_SCHEMA = Path(__file__).parent.parent / "data" / "schema_before_migrations.sqlite.sql"


def test_migrations_from_empty_build_exactly_the_models(database_url):
    engine = make_engine(database_url)
    try:
        assert pending_revisions(engine) == ["0001", *pending_revisions(engine)[1:]]
        before, after = upgrade(engine)
        assert (before, after) == (None, head_revision())
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, metadata) == []
        assert pending_revisions(engine) == []
        assert upgrade(engine) == (head_revision(), head_revision())
    finally:
        engine.dispose()


def test_a_database_of_the_release_before_migrations_is_upgraded_in_place(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/old.sqlite")
    vault = TokenVault((TOKEN_KEY,))
    sealed = vault.seal("A3FHEXAMPLEYWS", "NA", "Atzr|an-old-refresh-token")
    with engine.begin() as connection:
        sql = "\n".join(line for line in OLD_SCHEMA.read_text().splitlines() if not line.startswith("--"))
        for statement in filter(str.strip, sql.split(";")):
            connection.exec_driver_sql(statement)
        connection.execute(
            text(
                "INSERT INTO authorizations (selling_partner_id, region, account_type, workflow,"
                " refresh_token_encrypted, fingerprint, authorized_at, needs_reauthorization)"
                " VALUES ('A3FHEXAMPLEYWS', 'NA', 'seller', 'website', :token, 'sha256:old', :at, 0)"
            ),
            {"token": sealed, "at": datetime(2026, 1, 2, tzinfo=UTC).replace(tzinfo=None)},
        )
    assert current_revision(engine) is None
    assert upgrade(engine) == ("0001", head_revision())
    with make_sessions(engine)() as db:
        row = find_authorization(db, "A3FHEXAMPLEYWS", "NA")
        assert vault.open(row.refresh_token_encrypted, row.selling_partner_id, row.region) == (
            "Atzr|an-old-refresh-token"
        )
        assert row.authorized_at == datetime(2026, 1, 2, tzinfo=UTC)
    engine.dispose()


def _upgrade_in_child(url, barrier, results):
    barrier.wait()
    engine = make_engine(url)
    try:
        upgrade(engine)
        results.put("ok")
    except Exception as error:  # reported to the parent, which asserts on it
        results.put(repr(error))
    finally:
        engine.dispose()


def test_four_deployments_upgrading_at_once_all_succeed(database_url):
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(4), context.Queue()
    processes = [
        context.Process(target=_upgrade_in_child, args=(database_url, barrier, results)) for _ in range(4)
    ]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(10)
    assert outcomes == ["ok"] * 4
    engine = make_engine(database_url)
    assert current_revision(engine) == head_revision()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
    engine.dispose()
