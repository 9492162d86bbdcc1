"""An HTTPS proxy in front of the simulator, so that any SP-API client runs against it with
configuration only: ``HTTPS_PROXY`` (or the client's proxy option) and a trusted CA file.

The client asks the proxy to CONNECT to api.amazon.com or an SP-API host, as it would through
any corporate proxy; the proxy answers TLS with a certificate for that name, signed by a CA
made for this proxy alone, and forwards each request to the simulator's page for that host
(``/simulator/<host><path>``). Other hosts are refused: nothing leaves the machine.
"""

import http.client
import http.server
import ssl
import threading
from pathlib import Path
from urllib.parse import urlsplit

import trustme

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

    trustme makes both; the CA's key is never written: nothing but this one certificate can ever
    be signed by it.
    """
    directory.mkdir(parents=True, exist_ok=True)
    authority = trustme.CA(organization_name="spapi-auth simulator proxy")
    issued = authority.issue_cert(*simulated_hosts(), "127.0.0.1", common_name=LWA_HOST)
    ca_path, cert_path, key_path = (
        directory / "ca.pem",
        directory / "proxy-cert.pem",
        directory / "proxy-key.pem",
    )
    authority.cert_pem.write_to_path(str(ca_path))
    for index, pem in enumerate(issued.cert_chain_pems):
        pem.write_to_path(str(cert_path), append=index > 0)
    key_path.touch(mode=0o600)
    issued.private_key_pem.write_to_path(str(key_path))
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
