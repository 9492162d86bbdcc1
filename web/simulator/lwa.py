"""The simulated LWA token endpoint and Seller Central's self-authorization button."""

from flask import abort
from flask import jsonify
from flask import render_template
from flask import request

from auth.config.identifiers import SELLING_PARTNER_ID_RE
from auth.simulator.records import new_selling_partner_id
from web.simulator.instance import amazon


def token_endpoint():
    """The LWA token endpoint."""
    if request.args and not request.form and not request.is_json:
        # Amazon's FAQ: parameters in the query string instead of the body give a 500.
        return jsonify(error="server_error", error_description="Internal server error"), 500
    if request.is_json:
        try:
            data = request.get_json(silent=True)
        except RecursionError:
            data = None
        form = {k: str(v) for k, v in data.items()} if isinstance(data, dict) else {}
    else:
        form = request.form.to_dict()
    basic = request.authorization
    if basic is not None and basic.type == "basic" and "client_id" not in form:
        # UNCONFIRMED: LWA documents client_id/client_secret in the body only; developers
        # report HTTP Basic client authentication working too (RFC 6749 section 2.3.1), and
        # requests-oauthlib sends it by default, so the simulator accepts it.
        form["client_id"], form["client_secret"] = basic.username or "", basic.password or ""
    answer = amazon().token(form)
    response = jsonify(answer.body)
    response.status_code = answer.status
    response.headers["Pragma"] = "no-cache"
    return response


def self_authorize():
    """Seller Central's "Authorize app" button: a refresh token for the developer's own account."""
    token = None
    selling_partner_id = request.form.get("selling_partner_id") or new_selling_partner_id()
    if request.method == "POST":
        if not SELLING_PARTNER_ID_RE.fullmatch(selling_partner_id):
            abort(400, "Enter a selling partner ID of letters and digits.")
        token = amazon().self_authorize(selling_partner_id)
    return render_template(
        "simulator/self_authorize.html", token=token, selling_partner_id=selling_partner_id
    )
