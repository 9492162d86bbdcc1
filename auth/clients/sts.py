"""Legacy IAM role: AWS STS AssumeRole and SigV4 signing of SP-API calls.

Amazon stopped requiring AWS signing on 2 October 2023 (a signature sent anyway is ignored);
this exists for apps still registered with an IAM ARN that want to keep signing. boto3 is
imported only here, and only when this is used, so the app starts without it.
"""

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import replace
from datetime import UTC
from datetime import datetime
from datetime import timedelta

from auth.config.identifiers import ROLE_ARN_RE
from auth.errors import AppError
from auth.vault.crypto import fingerprint

REFRESH_BEFORE = timedelta(minutes=10)
SESSION_NAME_RE = re.compile(r"[\w+=,.@-]{2,64}")
SERVICE = "execute-api"


class StsError(AppError):
    """AssumeRole failed; ``code`` is AWS's error code (AccessDenied, ExpiredToken, ...)."""

    status = 502
    kind = "upstream_error"

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass(frozen=True)
class TemporaryCredentials:
    """Credentials from AssumeRole; shown only masked."""

    access_key_id: str
    secret_access_key: str
    session_token: str
    expiration: datetime
    fetched: bool = True

    def masked(self) -> dict:
        """What may be displayed: the key ID's ends and fingerprints of the secrets."""
        return {
            "access_key_id": f"{self.access_key_id[:4]}…{self.access_key_id[-4:]}",
            "secret_access_key": fingerprint(self.secret_access_key),
            "session_token": fingerprint(self.session_token),
            "expiration": self.expiration.isoformat(),
        }


class RoleSession:
    """Assumes one role and keeps its credentials until 10 minutes before they expire."""

    def __init__(
        self,
        role_arn: str,
        *,
        external_id: str | None = None,
        session_name: str = "spapi-auth",
        region: str = "us-east-1",
        endpoint_url: str | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ):
        if not ROLE_ARN_RE.fullmatch(role_arn):
            raise StsError(
                "InvalidRoleArn", "the role ARN must look like arn:aws:iam::123456789012:role/name"
            )
        if not SESSION_NAME_RE.fullmatch(session_name):
            raise StsError("InvalidSessionName", "RoleSessionName allows 2-64 letters, digits and +=,.@-_")
        self.role_arn = role_arn
        self.external_id = external_id
        self.session_name = session_name
        self.region = region
        self.endpoint_url = endpoint_url
        self.clock = clock
        self._lock = threading.Lock()
        self._credentials: TemporaryCredentials | None = None
        self._client = None

    def credentials(self) -> TemporaryCredentials:
        """Return cached credentials, assuming the role again when they are near expiry."""
        with self._lock:
            current = self._credentials
            if current is not None and current.expiration - REFRESH_BEFORE > self.clock():
                return replace(current, fetched=False)
            self._credentials = self._assume()
            return self._credentials

    def _assume(self) -> TemporaryCredentials:
        import botocore.exceptions

        arguments = {"RoleArn": self.role_arn, "RoleSessionName": self.session_name, "DurationSeconds": 3600}
        if self.external_id:
            arguments["ExternalId"] = self.external_id
        try:
            answer = self._sts().assume_role(**arguments)["Credentials"]
        except botocore.exceptions.ClientError as error:
            details = error.response.get("Error", {})
            raise StsError(details.get("Code", "ClientError"), details.get("Message", "")) from None
        except botocore.exceptions.NoCredentialsError:
            raise StsError(
                "NoCredentials", "no AWS credentials for the calling IAM user were found"
            ) from None
        except botocore.exceptions.EndpointConnectionError:
            raise StsError("EndpointConnectionError", "the STS endpoint could not be reached") from None
        return TemporaryCredentials(
            answer["AccessKeyId"],
            answer["SecretAccessKey"],
            answer["SessionToken"],
            answer["Expiration"].astimezone(UTC),
        )

    def _sts(self):
        if self._client is None:
            import boto3

            self._client = boto3.client("sts", region_name=self.region, endpoint_url=self.endpoint_url)
        return self._client

    def signer(self) -> Callable:
        """Return a function that signs a prepared ``requests`` request for an SP-API region."""

        def sign(request, region) -> None:
            sign_request(request, self.credentials(), region.aws_region)

        return sign


def sign_request(request, credentials: TemporaryCredentials, aws_region: str) -> None:
    """Add SigV4 headers (execute-api, ``aws_region``) to a prepared ``requests`` request.

    The request is signed as it will be sent, and sent as signed: nothing may change it after.
    """
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    aws_request = AWSRequest(
        method=request.method, url=request.url, data=request.body or b"", headers=dict(request.headers)
    )
    SigV4Auth(
        Credentials(credentials.access_key_id, credentials.secret_access_key, credentials.session_token),
        SERVICE,
        aws_region,
    ).add_auth(aws_request)
    request.headers.update(dict(aws_request.headers.items()))
