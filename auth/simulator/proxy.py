"""An HTTPS proxy in front of the simulator, so that any SP-API client runs against it with
configuration only: ``HTTPS_PROXY`` (or the client's proxy option) and a trusted CA file.

The client asks the proxy to CONNECT to api.amazon.com or an SP-API host, as it would through
any corporate proxy; the proxy answers TLS with a certificate for that name, signed by a CA
made for this proxy alone, and forwards each request to the simulator's page for that host
(``/simulator/<host><path>``). Other hosts are refused: nothing leaves the machine.
"""

import datetime
import http.client
import http.server
import ipaddress
import ssl
import threading
from pathlib import Path
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID
from cryptography.x509.oid import NameOID

from auth.config.marketplaces import catalog

LWA_HOST = "api.amazon.com"
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer"}
MAX_BODY = 2 * 1024 * 1024
UPSTREAM_TIMEOUT = 30


def simulated_hosts() -> list[str]:
    """Every host the proxy answers for: LWA and each region's SP-API hosts."""
    hosts = [LWA_HOST]
    for region in catalog().regions.values():
        hosts += [urlsplit(region.endpoint).hostname, urlsplit(region.sandbox_endpoint).hostname]
    return hosts


def write_certificates(directory: Path) -> tuple[Path, Path, Path]:
    """Create a CA and a certificate for every simulated host; return (ca, cert, key) paths.

    The CA's key is never written: nothing but this one certificate can ever be signed by it.
    """
    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "spapi-auth simulator proxy CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    names = [x509.DNSName(h) for h in simulated_hosts()] + [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, LWA_HOST)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_path, cert_path, key_path = (
        directory / "ca.pem",
        directory / "proxy-cert.pem",
        directory / "proxy-key.pem",
    )
    ca_path.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.touch(mode=0o600)
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return ca_path, cert_path, key_path


class SimulatorProxy:
    """The proxy: ``start()``, then point clients at ``url`` with ``ca_path`` trusted."""

    def __init__(self, upstream: str, directory: Path, host: str = "127.0.0.1", port: int = 0):
        self.upstream = urlsplit(upstream)
        self.ca_path, cert_path, key_path = write_certificates(directory)
        self.tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.tls.load_cert_chain(cert_path, key_path)
        self.server = http.server.ThreadingHTTPServer((host, port), _handler_for(self))
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """The proxy's address, for HTTPS_PROXY."""
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "SimulatorProxy":
        """Serve in a background thread."""
        self.thread.start()
        return self

    def close(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()

    def forward(self, host: str, handler: http.server.BaseHTTPRequestHandler) -> None:
        """Send one request from the tunnel to the simulator and its answer back."""
        length = int(handler.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            handler.send_error(413, "Request body too large for the simulator proxy")
            return
        body = handler.rfile.read(length) if length else None
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in HOP_BY_HOP | {"host"}}
        connection = http.client.HTTPConnection(
            self.upstream.hostname, self.upstream.port, timeout=UPSTREAM_TIMEOUT
        )
        try:
            connection.request(
                handler.command, f"/simulator/{host}{handler.path}", body=body, headers=headers
            )
            answer = connection.getresponse()
            content = answer.read()
        except OSError:
            handler.send_error(502, "The simulator did not answer")
            return
        finally:
            connection.close()
        handler.send_response(answer.status, answer.reason)
        for name, value in answer.getheaders():
            if name.lower() not in HOP_BY_HOP | {"content-length", "server", "date"}:
                handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(content)))
        handler.end_headers()
        if handler.command != "HEAD":
            handler.wfile.write(content)


def _handler_for(proxy: SimulatorProxy):
    allowed = set(simulated_hosts())

    class TunnelHandler(http.server.BaseHTTPRequestHandler):
        """HTTP requests inside one TLS tunnel, all for ``target``."""

        protocol_version = "HTTP/1.1"
        target = ""

        def _forward(self):
            proxy.forward(self.target, self)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _forward

        def log_message(self, format, *args):  # noqa: A002 - the request line holds tokens' paths
            pass

    class ConnectHandler(http.server.BaseHTTPRequestHandler):
        """The proxy's own requests: CONNECT to a simulated host, nothing else."""

        protocol_version = "HTTP/1.1"

        def do_CONNECT(self):  # noqa: N802 - http.server's naming
            host, _, port = self.path.rpartition(":")
            if host not in allowed or port != "443":
                self.send_error(403, "The simulator proxy only reaches Amazon hosts it simulates")
                return
            self.send_response(200, "Connection Established")
            self.end_headers()
            try:
                tunnel = proxy.tls.wrap_socket(self.connection, server_side=True)
            except (ssl.SSLError, OSError):
                self.close_connection = True
                return
            handler = type("Tunnel", (TunnelHandler,), {"target": host})
            try:
                handler(tunnel, self.client_address, self.server)
            except (ssl.SSLError, ConnectionError, TimeoutError):
                pass
            finally:
                tunnel.close()
            self.close_connection = True

        def do_GET(self):  # noqa: N802
            self.send_error(405, "Use CONNECT: the simulator proxy only tunnels HTTPS")

        def log_message(self, format, *args):  # noqa: A002
            pass

    return ConnectHandler
