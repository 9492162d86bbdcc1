"""The simulated consent pages of Seller Central and Vendor Central, and the Appstore workflow."""

from flask import abort
from flask import redirect
from flask import render_template
from flask import request

from auth.config.identifiers import SELLING_PARTNER_ID_RE
from auth.config.marketplaces import catalog
from auth.simulator.records import new_selling_partner_id
from auth.simulator.rehearsals import REHEARSALS
from auth.simulator.rehearsals import rehearsal
from web.shared.services import services
from web.simulator.instance import amazon
from web.simulator.instance import arg
from web.simulator.instance import central
from web.simulator.instance import code_redirect
from web.simulator.instance import with_query


def index():
    """Explain the simulator, offer the Appstore workflow and one-click failure rehearsals."""
    return render_template(
        "simulator/index.html",
        marketplaces=catalog().marketplaces,
        registration=amazon().registration,
        rehearsals=REHEARSALS,
    )


def appstore(host: str):
    """The app's Appstore detail page: "Authorize now" opens the consent page."""
    region, account_type = central(host)
    if account_type != "seller":
        abort(404, "The Selling Partner Appstore exists only for sellers.")
    return render_template(
        "simulator/appstore.html", host=host, region=region, registration=amazon().registration
    )


def consent(host: str):
    """Amazon's consent page, or the error page Amazon would show instead."""
    region, account_type = central(host)
    args = {name: arg(request.args, name) for name in ("application_id", "state", "version", "redirect_uri")}
    appstore_mode = request.args.get("workflow") == "appstore"
    rehearse = rehearsal(request.args.get("rehearse"))
    error = _consent_error(args, rehearse)
    if error:
        return _error_page(error, host, args["state"], rehearse, 400)
    return render_template(
        "simulator/consent.html",
        host=host,
        region=region,
        account_type=account_type,
        args=args,
        appstore_mode=appstore_mode,
        selling_partner_id=new_selling_partner_id(),
        registration=amazon().registration,
        rehearse=rehearse,
    )


def decide(host: str):
    """The partner's choice on the consent page: confirm, cancel, or continue to the app."""
    central(host)
    form = {
        name: arg(request.form, name)
        for name in (
            "application_id",
            "state",
            "version",
            "redirect_uri",
            "selling_partner_id",
            "decision",
            "user",
        )
    }
    simulated = amazon()
    rehearse = rehearsal(request.form.get("rehearse"))
    error = _consent_error(form, rehearse)
    if error:
        return _error_page(error, host, form["state"], rehearse, 400)
    redirect_uri = simulated.resolve_redirect_uri(form["redirect_uri"])
    if form["decision"] == "cancel":
        # Amazon documents no error parameter for a cancelled consent: the partner comes back
        # with our state and no code (or, as some report, not at all).
        return redirect(with_query(redirect_uri, {"state": form["state"] or ""}), code=303)
    if form["user"] == "secondary":
        return _error_page("SPDC8143", host, form["state"], rehearse, 403)
    selling_partner_id = form["selling_partner_id"] or ""
    if not SELLING_PARTNER_ID_RE.fullmatch(selling_partner_id):
        abort(400, "Enter a selling partner ID of letters and digits.")
    if form["decision"] == "appstore":
        callback = f"https://{host}/apps/authorize/confirm/{simulated.registration.application_id}"
        params = {
            "amazon_callback_uri": services().settings.amazon_url(callback),
            "amazon_state": simulated.start_appstore(selling_partner_id, host),
            "selling_partner_id": selling_partner_id,
        }
        if simulated.registration.status == "draft":
            params["version"] = "beta"
        return redirect(with_query(simulated.registration.login_uri, params), code=303)
    return redirect(
        code_redirect(
            redirect_uri, form["state"] or "", selling_partner_id, rehearse.name if rehearse else None
        ),
        code=303,
    )


def confirm(host: str, application_id: str):
    """Where the Login URI sends the browser back (Appstore workflow): issue the code."""
    central(host)
    simulated = amazon()
    args = {name: arg(request.args, name) for name in ("redirect_uri", "amazon_state", "state", "version")}
    error = simulated.consent_error(application_id, args["version"], args["redirect_uri"])
    if error:
        return render_template("simulator/error.html", code=error, host=host), 400
    selling_partner_id = simulated.finish_appstore(args["amazon_state"], host)
    if selling_partner_id is None or not args["state"]:
        # UNCONFIRMED which code Amazon shows for a bad amazon_state; MD5100 covers URL errors.
        return render_template("simulator/error.html", code="MD5100", host=host), 400
    redirect_uri = simulated.resolve_redirect_uri(args["redirect_uri"])
    return redirect(code_redirect(redirect_uri, args["state"], selling_partner_id), code=302)


def _consent_error(values: dict, rehearse) -> str | None:
    # Rehearsals put their mistake in the consent URI itself: judge exactly what arrived.
    del rehearse
    return amazon().consent_error(values["application_id"], values["version"], values["redirect_uri"])


def _error_page(code: str, host: str, state: str | None, rehearse, status: int):
    """Amazon's error page; in a rehearsal it offers the way back that Amazon's does not, so
    the developer sees how the app explains the code to a partner."""
    back = None
    if rehearse is not None:
        back = with_query(amazon().registration.redirect_uris[0], {"state": state or "", "error": code})
    return render_template("simulator/error.html", code=code, host=host, back=back), status
