"""The baseline of the benchmarks: bare Flask routes that do nothing but answer."""

from flask import Flask
from flask import jsonify
from flask import redirect

app = Flask("baseline")


@app.get("/go")
def go():
    """A bare redirect, the yardstick of bench/flow.py."""
    return redirect("https://sellercentral.amazon.com/apps/authorize/consent?application_id=x", code=302)


@app.get("/json")
def json_route():
    """A bare JSON answer, the yardstick of bench/explain.py."""
    return jsonify(entries=[], findings=[])


@app.post("/json")
def json_post():
    """A bare JSON answer to a POST, the yardstick of bench/fleet.py."""
    return jsonify(access_token="x", token_type="bearer", expires_in=3600)
