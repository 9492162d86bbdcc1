"""The SQS queue Amazon sends Application Management notifications to, through boto3.

The endpoint comes from the queue URL itself (``https://sqs.<region>.amazonaws.com/…`` on AWS,
a loopback URL for moto in tests), the credentials from boto3's usual chain.
"""

import json
import os
import re
from urllib.parse import urlsplit

REGION_RE = re.compile(r"^sqs\.([a-z0-9-]+)\.amazonaws\.com$")
WAIT_SECONDS = 20  # SQS long polling: at most one empty answer every 20 s


def queue_client(queue_url: str):
    """A boto3 SQS client that talks to the queue's own endpoint."""
    import boto3  # imported when used: only apps that rotate need it loaded

    parts = urlsplit(queue_url)
    found = REGION_RE.match(parts.hostname or "")
    region = found.group(1) if found else os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
    return boto3.client("sqs", region_name=region, endpoint_url=f"{parts.scheme}://{parts.netloc}")


def send(queue_url: str, body: dict) -> None:
    """Put one notification on the queue (what Amazon does; the simulator uses it)."""
    queue_client(queue_url).send_message(QueueUrl=queue_url, MessageBody=json.dumps(body))


def receive(client, queue_url: str, wait_seconds: int = WAIT_SECONDS, visibility: int = 30) -> list[dict]:
    """Up to 10 messages (long polling); each stays invisible ``visibility`` seconds and comes
    back unless deleted."""
    answer = client.receive_message(
        QueueUrl=queue_url,
        MaxNumberOfMessages=10,
        WaitTimeSeconds=wait_seconds,
        VisibilityTimeout=visibility,
    )
    return answer.get("Messages", [])


def delete(client, queue_url: str, message: dict) -> None:
    """Acknowledge a message, once what it says is stored."""
    client.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
