"""The shapes of Amazon's identifiers and the grantless scopes: one definition for every package."""

import re

APPLICATION_ID_RE = re.compile(r"amzn1\.(sp\.solution|sellerapps\.app)\.[A-Za-z0-9-]{8,64}")
LWA_CLIENT_ID_RE = re.compile(r"amzn1\.application-oa2-client\.[A-Za-z0-9]{8,64}")
ROLE_ARN_RE = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}")
SELLING_PARTNER_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
# The two scopes LWA accepts for grantless (client_credentials) tokens.
GRANTLESS_SCOPES = ("sellingpartnerapi::notifications", "sellingpartnerapi::client_credential:rotation")
