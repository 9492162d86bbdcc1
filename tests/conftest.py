"""Shared fixtures: the flaskr trio (app, client, runner) and loopback stand-ins."""

import os
import re
import shutil

import pytest
import requests
from cryptography.fernet import Fernet
from pytest_httpserver import HTTPServer

from app import create_app
from auth.security.passwords import hash_password
from tests.live import LiveServer
from tests.postgres import PostgresServer

# The development .env that `make run` writes must not change what a test starts (read by
# create_app() in this process and in every server a test spawns, which inherit this).
os.environ["SPAPI_DOTENV"] = "0"

# One Chromium for the whole session, whichever modules use it.
pytest_plugins = ["tests.browser"]

APPLICATION_ID = "amzn1.sp.solution.0bf296b5-36a6-4942-a13e-0123456789ab"
CLIENT_ID = "amzn1.application-oa2-client.0123456789abcdef0123456789abcdef"
CLIENT_SECRET = "amzn1.oa2-cs.v1.test-client-secret-value-0123456789"
SECRET_KEY = "test-secret-key-0123456789abcdef0123456789"
TOKEN_KEY = Fernet.generate_key().decode()
ADMIN_PASSWORD = "correct horse battery staple"
ADMIN_PASSWORD_HASH = hash_password(ADMIN_PASSWORD)
PARTICIPATIONS_PATH = "/sellers/v1/marketplaceParticipations"
STUB_PARTICIPATIONS = {
    "payload": [
        {
            "marketplace": {"id": "ATVPDKIKX0DER", "countryCode": "US", "name": "Amazon.com"},
            "storeName": "Example Store",
            "participation": {"isParticipating": True, "hasSuspendedListings": False},
        }
    ]
}


def base_config(tmp_path, **overrides) -> dict:
    """Settings for a test app with a real (temporary) SQLite file."""
    config = {
        "TESTING": True,
        "SPAPI_APPLICATION_ID": APPLICATION_ID,
        "SPAPI_APP_STATUS": "draft",
        "LWA_CLIENT_ID": CLIENT_ID,
        "LWA_CLIENT_SECRET": CLIENT_SECRET,
        "PUBLIC_URL": "https://app.example.test",
        "LWA_TOKEN_URL": "http://127.0.0.1:9/auth/o2/token",
        # Nothing listens on port 9: an app built without a stand-in never reaches Amazon.
        "SPAPI_API_URL": "http://127.0.0.1:9",
        "DATABASE_URL": f"sqlite:///{tmp_path}/spapi.sqlite",
        "SECRET_KEY": SECRET_KEY,
        "TOKEN_ENCRYPTION_KEYS": TOKEN_KEY,
        "ADMIN_PASSWORD_HASH": ADMIN_PASSWORD_HASH,
    }
    config.update(overrides)
    return config


@pytest.fixture(scope="session")
def httpserver_listen_address():
    """pytest-httpserver binds to loopback with an OS-chosen port."""
    return ("127.0.0.1", 0)


@pytest.fixture
def lwa_url(httpserver):
    """The URL of the loopback LWA stand-in's token endpoint."""
    return httpserver.url_for("/auth/o2/token")


@pytest.fixture(scope="session")
def postgres_server():
    """A real PostgreSQL server for the session, started on first use (Unix socket only)."""
    server = PostgresServer()
    yield server
    server.stop()


def pytest_generate_tests(metafunc):
    """Run a module's database-using tests on SQLite and PostgreSQL when it sets
    ``ON_BOTH_DATABASES = True``."""
    if "backend" in metafunc.fixturenames and getattr(metafunc.module, "ON_BOTH_DATABASES", False):
        metafunc.parametrize("backend", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def backend(request) -> str:
    """The database the test runs on: SQLite unless the module asks for both."""
    return getattr(request, "param", "sqlite")


@pytest.fixture
def database_url(request, backend, tmp_path) -> str:
    """An empty database of the chosen backend."""
    if backend == "postgresql":
        return request.getfixturevalue("postgres_server").new_database()
    return f"sqlite:///{tmp_path}/spapi.sqlite"


@pytest.fixture(scope="session")
def migrated_templates(tmp_path_factory, request) -> dict:
    """Databases migrated once for the session, copied for each test (migrating per test cost
    about a quarter of a second each); PostgreSQL's is made on first use."""
    from auth.vault import schema
    from auth.vault.db import make_engine

    folder = tmp_path_factory.mktemp("template")
    engine = make_engine(f"sqlite:///{folder}/spapi.sqlite")
    schema.upgrade(engine)
    engine.dispose()
    return {"sqlite": folder / "spapi.sqlite"}


@pytest.fixture
def migrated_database_url(request, backend, tmp_path, migrated_templates) -> str:
    """A database of the chosen backend, already at the newest migration."""
    if backend == "postgresql":
        server = request.getfixturevalue("postgres_server")
        if "postgresql" not in migrated_templates:
            migrated_templates["postgresql"] = server.migrated_template()
        return server.new_database(template=migrated_templates["postgresql"])
    target = tmp_path / "spapi.sqlite"
    shutil.copyfile(migrated_templates["sqlite"], target)
    os.chmod(target, 0o600)
    return f"sqlite:///{target}"


@pytest.fixture(scope="session")
def _spapi_server():
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def spapi_stub(_spapi_server):
    """A loopback SP-API stand-in; by default every token opens the same account."""
    _spapi_server.clear()
    _spapi_server.expect_request(PARTICIPATIONS_PATH).respond_with_json(STUB_PARTICIPATIONS)
    yield _spapi_server
    _spapi_server.clear()


@pytest.fixture
def app(tmp_path, lwa_url, migrated_database_url, spapi_stub):
    """An app configured like production, talking to the loopback LWA and SP-API stand-ins."""
    config = base_config(
        tmp_path,
        LWA_TOKEN_URL=lwa_url,
        DATABASE_URL=migrated_database_url,
        SPAPI_API_URL=spapi_stub.url_for(""),
    )
    app = create_app(config)
    yield app
    app.extensions["spapi"].engine.dispose()


@pytest.fixture
def client(app):
    """A test client for ``app``."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner for ``app``."""
    return app.test_cli_runner()


def live_simulator(tmp_path, **overrides) -> LiveServer:
    """A live app on 127.0.0.1 with the built-in Amazon simulator (use as a context manager)."""

    def build(url):
        config = base_config(
            tmp_path, SPAPI_SIMULATOR="1", PUBLIC_URL=url, LWA_TOKEN_URL="", SPAPI_API_URL=""
        )
        return create_app({**config, **overrides})

    return LiveServer(build)


@pytest.fixture
def simulator(tmp_path):
    """A live app on loopback with the built-in Amazon simulator, served over real HTTP."""
    with live_simulator(tmp_path) as server:
        yield server


class AdminActions:
    """Log the test client in and out of the console (flaskr's ``auth`` fixture)."""

    def __init__(self, client):
        self.client = client

    def csrf(self, path="/console/login") -> str:
        page = self.client.get(path).get_data(as_text=True)
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def login(self, password=ADMIN_PASSWORD):
        return self.client.post("/console/login", data={"password": password, "csrf_token": self.csrf()})


@pytest.fixture
def admin(client):
    """Console log-in helper bound to ``client``."""
    return AdminActions(client)


@pytest.fixture
def console(client, admin):
    """``client``, logged in to the console as the administrator."""
    assert admin.login().status_code == 302
    return client


def post_form(browser, url, form_page=None, **form):
    """POST ``form`` with the CSRF token of the page at ``form_page`` (default: ``url``)."""
    page = browser.get(form_page or url, timeout=10).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return browser.post(url, data={"csrf_token": token, **form}, timeout=20)


def live_login(server, password=ADMIN_PASSWORD):
    """A requests session logged in to the console of a live server."""
    browser = requests.Session()
    answer = post_form(browser, f"{server.url}/console/login", password=password)
    assert answer.url.endswith("/console/"), answer.status_code
    return browser


@pytest.fixture(scope="session")
def moto_server():
    """moto's server (AWS STS, SQS, ...) on 127.0.0.1 with an OS-chosen port."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def aws_environment(monkeypatch):
    """Fake caller credentials: no real credential chain or instance metadata is consulted."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIATESTINGTESTING00")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing-secret")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)


def pytest_collection_modifyitems(config, items):
    """Overlap the benchmarks' quick modes (tests/bench) with the rest of the suite.

    One process (`pytest`): the light ones start right after collection and are judged last.
    Several workers (`make test`, pytest-xdist): the benchmarks are one test, scheduled first,
    so one worker waits on them while the others run the suite.
    """
    benches = [item for item in items if item.nodeid.startswith("tests/bench/test_quick.py")]
    if not benches:
        return
    rest = [item for item in items if item not in benches]
    if hasattr(config, "workerinput"):
        items[:] = benches + rest
        return
    from tests.bench.test_quick import start_quick_benches

    config.quick_benches = start_quick_benches()
    items[:] = rest + benches


_SUMMARIES: list[str] = []


def pytest_runtest_logreport(report):
    """Keep the summaries tests record (``record_property("summary", text)``), also from workers."""
    if report.when == "call":
        for name, value in report.user_properties:
            if name == "summary":
                _SUMMARIES.append(str(value))


def pytest_terminal_summary(terminalreporter):
    """Print the recorded summaries (the explainer's scores) at the end of every run."""
    for text in _SUMMARIES:
        terminalreporter.write_line(text)
