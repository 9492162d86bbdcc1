"""The database layer: SQLite tuning, and migrations run by several processes at once."""

import multiprocessing

from sqlalchemy import inspect
from sqlalchemy import text

from auth.vault.db import make_engine
from auth.vault.schema import upgrade
from tests.clients.test_shared_cache import finish
from tests.clients.test_shared_cache import reap


def _start(url, barrier, results):
    barrier.wait()
    try:
        upgrade(make_engine(url))
        results.put("ok")
    except Exception as error:  # reported to the parent, which asserts on it
        results.put(repr(error))
    finish(results)


def test_upgrades_started_together_on_a_new_file_all_succeed(tmp_path):
    url = f"sqlite:///{tmp_path}/fresh.sqlite"
    ctx = multiprocessing.get_context("fork")
    barrier, results = ctx.Barrier(6), ctx.Queue()
    processes = [ctx.Process(target=_start, args=(url, barrier, results), daemon=True) for _ in range(6)]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=60) for _ in processes]
    reap(processes)
    assert outcomes == ["ok"] * 6
    assert {"oauth_states", "used_codes", "authorizations"} <= set(
        inspect(make_engine(url)).get_table_names()
    )


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/wal.sqlite")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 15000
