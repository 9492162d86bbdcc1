"""The one cheap call of a check: GetItems for one ASIN, on the Creators API (bearer token and
``x-marketplace``) or on the retired PA-API 5.0 (SigV4 by botocore's signer)."""

import json

from auth.associates.exchanges import send
from auth.associates.regions import CREATORS_HOST
from auth.associates.regions import GETITEMS_PATH
from auth.associates.regions import PAAPI_PATH
from auth.associates.regions import PAAPI_SERVICE
from auth.associates.regions import PAAPI_TARGET
from auth.associates.regions import Marketplace


def creators_get_items(route, token: str, version: str, store: Marketplace, tag: str, asin: str, hide=()):
    """POST ``/catalog/v1/getItems`` for one ASIN; return the response and its masked record."""
    # 2.x tokens carry the version in the header; 3.x tokens stand alone.
    authorization = f"Bearer {token}, Version {version}" if version.startswith("2.") else f"Bearer {token}"
    body = {"itemIds": [asin], "itemIdType": "ASIN", "partnerTag": tag, "resources": ["itemInfo.title"]}
    return send(
        "POST",
        route(f"https://{CREATORS_HOST}{GETITEMS_PATH}"),
        hide=(token, *hide),
        json=body,
        headers={"Authorization": authorization, "x-marketplace": store.host},
    )


def paapi_request(url: str, access_key: str, secret_key: str, store: Marketplace, tag: str, asin: str):
    """A GetItems request signed with SigV4 (service ProductAdvertisingAPI, the store's region)."""
    # botocore loads slowly; only the retired API needs it, so only its check pays for it.
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    body = json.dumps(
        {
            "ItemIds": [asin],
            "PartnerTag": tag,
            "PartnerType": "Associates",
            "Marketplace": store.host,
            "Resources": ["ItemInfo.Title"],
        }
    )
    request = AWSRequest(
        method="POST",
        url=url,
        data=body,
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "Content-Encoding": "amz-1.0",
            "X-Amz-Target": PAAPI_TARGET,
        },
    )
    SigV4Auth(Credentials(access_key, secret_key), PAAPI_SERVICE, store.aws_region).add_auth(request)
    return request


def paapi_get_items(route, access_key: str, secret_key: str, store: Marketplace, tag: str, asin: str):
    """POST ``/paapi5/getitems`` signed for the store's host and region; response and record."""
    url = route(f"https://{store.paapi_host}{PAAPI_PATH}")
    signed = paapi_request(url, access_key, secret_key, store, tag, asin)
    return send(
        "POST", url, hide=(access_key, secret_key), data=signed.body, headers=dict(signed.headers.items())
    )
