"""Debian's nginx, with the shipped site configuration, in front of `clemency serve` over TLS.

The site file in deploy/nginx is used as shipped; only its ports, certificate paths, upstream
and static folder are pointed at this test's temporary ones (each replacement must match, so the
test notices when the shipped file changes shape).
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from clemency.web.templating import STATIC_DIR
from tests.conftest import missing
from tests.ops.certs import self_signed

NGINX = Path("/usr/sbin/nginx")
SITE = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "clemency.conf"
# A volunteer: in production admins and attorneys must first set up two-factor sign-in.
DEMO_EMAIL = "volunteer@justice-clinic.example"

# nginx and `clemency serve` (gunicorn) as the real processes a deployment runs
pytestmark = [pytest.mark.slow, pytest.mark.subprocess]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _site_config(cert: Path, key: Path, https: int, http: int, app: int) -> str:
    text = SITE.read_text()
    replacements = {
        "    listen 80;\n": f"    listen 127.0.0.1:{http};\n",
        "    listen [::]:80;\n": "",
        "    listen 443 ssl http2;\n": f"    listen 127.0.0.1:{https} ssl http2;\n",
        "    listen [::]:443 ssl http2;\n": "",
        "/etc/letsencrypt/live/clemency.example.org/fullchain.pem": str(cert),
        "/etc/letsencrypt/live/clemency.example.org/privkey.pem": str(key),
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{app};",
        "alias /opt/clemency/static/;": f"alias {STATIC_DIR}/;",
    }
    for old, new in replacements.items():
        assert old in text, f"deploy/nginx/clemency.conf no longer contains {old!r}"
        text = text.replace(old, new)
    return text


def _wait_for(url: str, process: subprocess.Popen[bytes], log: Path, **kwargs: object) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{url}: the process exited:\n{log.read_text()[-3000:]}")
        try:
            httpx.get(url, timeout=2, **kwargs)  # type: ignore[arg-type]
            return
        except httpx.HTTPError:
            time.sleep(0.5)
    pytest.fail(f"{url} did not answer in 90 s:\n{log.read_text()[-3000:]}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=45)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def stack(
    tmp_path: Path,
) -> Iterator[tuple[str, ssl.SSLContext, str, subprocess.Popen[bytes], str]]:
    if not NGINX.exists():
        missing("Debian's nginx is not installed (apt-get install nginx)")
    clemency = [sys.executable, "-m", "clemency.cli.main"]
    database = tmp_path / "demo.db"
    env = {
        **os.environ,
        "CLEMENCY_ENVIRONMENT": "production",
        "CLEMENCY_SECRET_KEY": secrets.token_urlsafe(48),
        "CLEMENCY_DATABASE_URL": f"sqlite:///{database}",
        "CLEMENCY_DATA_DIR": str(tmp_path / "data"),
        "CLEMENCY_MAIL_BACKEND": "none",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    seeded = subprocess.run(
        [*clemency, "demo", "--no-serve", "--count", "20", "--database", str(database)],
        env={**env, "CLEMENCY_ENVIRONMENT": "development"},  # the demo is development's
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert seeded.returncode == 0, seeded.stderr
    # Production needs the keys the demo made: encryption keys and the audit trail's key.
    env["CLEMENCY_KEY_FILE"] = str(database.with_suffix(".keys"))
    env["CLEMENCY_AUDIT_KEY_FILE"] = str(database.with_name(database.name + ".audit-key"))
    app_port, https_port, http_port = _free_port(), _free_port(), _free_port()
    app_log = tmp_path / "serve.log"
    with app_log.open("wb") as out:
        server = subprocess.Popen(
            [*clemency, "serve", "--bind", f"127.0.0.1:{app_port}", "--workers", "2"],
            env=env,
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    cert, key = self_signed(tmp_path)
    (tmp_path / "site.conf").write_text(_site_config(cert, key, https_port, http_port, app_port))
    nginx_dir = tmp_path / "nginx"
    for sub in ("logs", "client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (nginx_dir / sub).mkdir(parents=True)
    (tmp_path / "nginx.conf").write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"""
pid {nginx_dir}/nginx.pid;
error_log {nginx_dir}/logs/error.log warn;
worker_processes 1;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {nginx_dir}/client_body;
    proxy_temp_path {nginx_dir}/proxy;
    fastcgi_temp_path {nginx_dir}/fastcgi;
    uwsgi_temp_path {nginx_dir}/uwsgi;
    scgi_temp_path {nginx_dir}/scgi;
    include {tmp_path}/site.conf;
}}
"""
    )
    nginx_log = nginx_dir / "logs" / "error.log"
    proxy = subprocess.Popen(
        [str(NGINX), "-p", str(nginx_dir), "-c", str(tmp_path / "nginx.conf"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    base = f"https://127.0.0.1:{https_port}"
    tls = ssl.create_default_context(cafile=str(cert))
    try:
        _wait_for(f"http://127.0.0.1:{app_port}/healthz", server, app_log)
        _wait_for(f"{base}/healthz", proxy, nginx_log, verify=tls)
        yield base, tls, f"http://127.0.0.1:{http_port}", server, f"http://127.0.0.1:{app_port}"
    finally:
        _stop(proxy)
        _stop(server)


def test_sign_in_through_nginx_over_tls(
    stack: tuple[str, ssl.SSLContext, str, subprocess.Popen[bytes], str],
) -> None:
    base, tls, plain, server, app_base = stack
    with httpx.Client(base_url=base, verify=tls, follow_redirects=False, timeout=30) as client:
        login = client.get("/login")
        assert login.status_code == 200
        assert login.headers.get_list("strict-transport-security") == [
            "max-age=31536000; includeSubDomains"
        ]
        token = re.search(r'name="csrf_token" value="([^"]+)"', login.text)
        assert token is not None
        from clemency.cases.demo.seed import DEMO_PASSWORD

        signed = client.post(
            "/login",
            data={"email": DEMO_EMAIL, "password": DEMO_PASSWORD, "csrf_token": token.group(1)},
        )
        assert signed.status_code == 303, signed.text[:500]
        # The session cookie is Secure (production profile).
        assert "secure" in signed.headers["set-cookie"].lower()
        home = client.get("/")
        assert home.status_code == 200
        assert "Sign out" in home.text
        # Static files come from nginx itself.
        css = client.get("/static/clemency.css")
        assert css.status_code == 200
        assert css.headers["server"].startswith("nginx")
        assert len(css.headers.get_list("strict-transport-security")) == 1
        assert client.get("/readyz").json()["ok"] is True
        # Metrics are not served through the proxy, even to a loopback client.
        assert client.get("/metrics").status_code == 404
    # Plain HTTP is redirected to HTTPS.
    redirect = httpx.get(plain + "/login", follow_redirects=False)
    assert redirect.status_code == 301
    assert redirect.headers["location"].startswith("https://")
    # Metrics on the application port (loopback is allowed) are summed over both workers:
    # six more /readyz on fresh connections, whichever worker takes them, make seven.
    for _ in range(6):
        assert httpx.get(app_base + "/readyz").status_code == 200
    page = httpx.get(app_base + "/metrics").text
    assert 'clemency_http_requests_total{method="GET",route="/readyz",status="200"} 7.0' in page
    assert 'clemency_http_requests_total{method="POST",route="/login",status="303"} 1.0' in page
    # SIGTERM stops the server gracefully (gunicorn exits 0).
    server.terminate()
    assert server.wait(timeout=45) == 0
