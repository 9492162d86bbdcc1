"""The audit trail of Associates credentials: who added, deleted or checked which one, and what
the check said (never a secret: the credential's row ID and fingerprint only). The caller commits."""

from sqlalchemy.orm import Session

from auth.vault import audit


def added(db: Session, actor: str, row) -> None:
    """Record that ``actor`` stored credential ``row``."""
    audit.record(db, actor, "associates_added", credential=row.id, fingerprint=row.secret_fingerprint)


def deleted(db: Session, actor: str, credential_id: int) -> None:
    """Record that ``actor`` deleted a credential."""
    audit.record(db, actor, "associates_deleted", credential=credential_id)


def checked(db: Session, actor: str, row, report: dict) -> None:
    """Record that ``actor`` checked credential ``row``, and the result."""
    audit.record(
        db, actor, "associates_checked", credential=row.id, result=report["result"], code=report["code"]
    )
