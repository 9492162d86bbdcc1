"""The deployment files in deploy/ are checked by their own tools where the machine has them
(systemd-analyze verify, nginx -t), and parsed otherwise."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))


def local_unit(unit: Path, tmp_path: Path) -> Path:
    """The unit with the deployment's paths pointed at this checkout, so its binaries exist."""
    env = tmp_path / "spapi-auth.env"
    env.write_text("")
    text = unit.read_text()
    text = text.replace("/srv/spapi-auth/.venv/bin", str(Path(sys.executable).parent))
    text = text.replace("/srv/spapi-auth", str(ROOT)).replace("/etc/spapi-auth.env", str(env))
    copy = tmp_path / unit.name
    copy.write_text(text)
    return copy


def test_there_is_a_unit_for_the_web_and_one_for_the_worker():
    assert [u.name for u in UNITS] == ["spapi-auth-worker.service", "spapi-auth.service"]
    web, worker = (u.read_text() for u in reversed(UNITS))
    assert "gunicorn -c gunicorn.conf.py" in web and "spapi db upgrade" in web
    assert "spapi worker" in worker
    for text in (web, worker):
        assert "KillMode=control-group" in text and "EnvironmentFile=/etc/spapi-auth.env" in text


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed")
@pytest.mark.parametrize("unit", UNITS, ids=lambda u: u.name)
def test_systemd_units_verify(unit, tmp_path):
    done = subprocess.run(
        [shutil.which("systemd-analyze"), "verify", str(local_unit(unit, tmp_path))],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "Unknown key" not in done.stderr and "Unknown section" not in done.stderr, done.stderr


def nginx_structure(text: str) -> list[str]:
    """Problems a reader of nginx.conf would report: unbalanced braces, unterminated statements."""
    problems, depth = [], 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        depth += line.count("{") - line.count("}")
        if depth < 0:
            problems.append(f"line {number}: closes a block never opened")
        if not line.endswith(("{", "}", ";")):
            problems.append(f"line {number}: statement without ';'")
    if depth:
        problems.append("unbalanced braces")
    return problems


def test_the_nginx_example_is_well_formed_and_keeps_queries_out_of_logs():
    text = (DEPLOY / "nginx" / "spapi-auth.conf").read_text()
    assert nginx_structure(text) == []
    assert nginx_structure("server {\n listen 80\n") != []  # the reader itself bites
    log_format = re.search(r"log_format spapi_noquery '([^']+)'", text).group(1)
    assert "$uri" in log_format and "$request_uri" not in log_format and "$args" not in log_format
    assert "client_max_body_size 2m;" in text and "proxy_pass http://127.0.0.1:8000;" in text


@pytest.mark.skipif(not shutil.which("nginx"), reason="nginx is not installed")
def test_nginx_accepts_the_example(tmp_path):
    certificate, key = self_signed_certificate(tmp_path)
    site = (DEPLOY / "nginx" / "spapi-auth.conf").read_text()
    site = site.replace("/etc/letsencrypt/live/spapi.example.com/fullchain.pem", str(certificate))
    site = site.replace("/etc/letsencrypt/live/spapi.example.com/privkey.pem", str(key))
    site = site.replace("/var/log/nginx/spapi.log", str(tmp_path / "access.log"))
    (tmp_path / "site.conf").write_text(site)
    main = tmp_path / "nginx.conf"
    main.write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n include {tmp_path}/site.conf;\n}}\n"
    )
    done = subprocess.run(
        [shutil.which("nginx"), "-t", "-c", str(main), "-p", str(tmp_path)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_the_caddyfile_proxies_to_gunicorn_without_an_access_log():
    text = (DEPLOY / "caddy" / "Caddyfile").read_text()
    assert "reverse_proxy 127.0.0.1:8000" in text and text.count("{") == text.count("}")
    assert not re.search(r"^\s*log\b", text, re.M)


def test_the_environment_example_names_only_real_settings():
    example = (DEPLOY / "spapi-auth.env.example").read_text().splitlines()
    names = [line.split("=", 1)[0] for line in example if line and not line.startswith("#")]
    read = (ROOT / "auth" / "config" / "settings.py").read_text() + (ROOT / "gunicorn.conf.py").read_text()
    assert names and [n for n in names if f'"{n}"' not in read] == []


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A throw-away certificate and key for nginx -t (it opens the files it names)."""
    import trustme

    issued = trustme.CA().issue_cert("spapi.example.com")
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    issued.cert_chain_pems[0].write_to_path(str(cert_path))
    issued.private_key_pem.write_to_path(str(key_path))
    return cert_path, key_path
