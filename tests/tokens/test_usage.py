"""API-key uses: written at once when a process is idle, in groups under load, never lost."""

import json

import pytest
from sqlalchemy import select

from auth.security.api_keys import create_key
from auth.tokens.tables import ApiKeyWindow
from auth.tokens.usage import FLUSH_AFTER
from auth.tokens.usage import FLUSH_EVERY
from auth.tokens.usage import UsageBook
from auth.tokens.usage import Use
from auth.vault.models import ApiKey
from auth.vault.models import AuditEvent
from auth.vault.models import utcnow

ON_BOTH_DATABASES = True


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


@pytest.fixture
def db(app):
    with app.extensions["spapi"].sessions() as session:
        yield session


def use(key_id, outcome="ok"):
    return Use(key_id, "access_tokens", outcome, utcnow(), "A1PARTNER", "NA")


def test_an_idle_process_writes_every_use_at_once(db):
    key = create_key(db, "idle")
    book = UsageBook()
    book.add(use(key.id))
    assert book.due(busy=False)
    book.flush(db)
    [event] = db.scalars(select(AuditEvent).where(AuditEvent.actor == f"api-key:{key.id}")).all()
    assert json.loads(event.detail) == {"outcome": "ok"} and event.selling_partner_id == "A1PARTNER"
    assert db.get(ApiKey, key.id).last_used_at is not None


def test_a_busy_process_writes_in_groups_and_counts_fleet_wide(db):
    key = create_key(db, "busy")
    clock = Clock()
    book, other = UsageBook(clock), UsageBook(clock)
    for _ in range(FLUSH_EVERY - 1):
        book.add(use(key.id))
    assert not book.due(busy=True)  # fewer than a group, younger than FLUSH_AFTER
    clock.now += FLUSH_AFTER
    assert book.due(busy=True)
    book.add(use(key.id))
    book.flush(db)
    window = db.scalars(select(ApiKeyWindow).where(ApiKeyWindow.key_id == key.id)).one()
    assert window.count == FLUSH_EVERY
    assert (
        len(db.scalars(select(AuditEvent).where(AuditEvent.actor == f"api-key:{key.id}")).all())
        == FLUSH_EVERY
    )
    # Another process's write adds to the same window.
    other.add(use(key.id))
    other.flush(db)
    db.expire_all()
    assert (
        db.scalars(select(ApiKeyWindow).where(ApiKeyWindow.key_id == key.id)).one().count == FLUSH_EVERY + 1
    )


def test_a_failed_write_keeps_the_uses_for_the_next(db, monkeypatch):
    key = create_key(db, "retry")
    book = UsageBook()
    book.add(use(key.id))

    def broken(*_args, **_kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(db, "commit", broken)
    with pytest.raises(RuntimeError):
        book.flush(db)
    monkeypatch.undo()
    assert book.due(busy=False)  # the use still waits for a write
    book.flush(db)
    assert len(db.scalars(select(AuditEvent).where(AuditEvent.actor == f"api-key:{key.id}")).all()) == 1
