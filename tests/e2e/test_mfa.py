"""Two-factor sign-in in a real browser, with codes computed by pyotp (``pytest --e2e``):
the demo's MFA attorney signs in with password then code; a viewer sets it up from the
account page (secret read off the page, recovery codes shown once) and signs in with it."""

from __future__ import annotations

import re

import pyotp
import pytest

from tests.e2e.conftest import DemoServer, shot

pytestmark = pytest.mark.e2e


def _password_step(page, server: DemoServer, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(server.url + "/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(server.password)
    page.get_by_role("button", name="Sign in").click()


def test_demo_mfa_user_signs_in_with_a_totp_code(page, demo_server: DemoServer) -> None:  # type: ignore[no-untyped-def]
    from clemency.cases.demo.seed import DEMO_MFA_EMAIL, DEMO_TOTP_SECRET

    _password_step(page, demo_server, DEMO_MFA_EMAIL)
    page.wait_for_url(re.compile(r"/login/mfa"))
    assert page.get_by_role("heading", name="Two-factor sign-in").is_visible()
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Continue").click()
    assert "not right" in page.get_by_role("alert").inner_text()
    shot(page, "mfa-01-code-refused")
    page.get_by_label("Code").fill(pyotp.TOTP(DEMO_TOTP_SECRET).now())
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(demo_server.url + "/")
    assert page.get_by_role("heading", name="Dashboard").is_visible()
    page.goto(demo_server.url + "/account")
    assert "On: sign-in asks for a code" in page.content()
    shot(page, "mfa-02-account")


def test_a_viewer_enrols_and_then_signs_in_with_the_code(page, demo_server: DemoServer) -> None:  # type: ignore[no-untyped-def]
    email = demo_server.email("pardon-project", "viewer")
    _password_step(page, demo_server, email)
    page.wait_for_url(demo_server.url + "/")
    page.goto(demo_server.url + "/account/mfa")
    page.get_by_role("button", name="Set up two-factor sign-in").click()
    secret = page.locator("#totp-secret").inner_text().strip()
    assert page.locator("#totp-uri").input_value().startswith("otpauth://totp/")
    assert page.locator("#totp-qr").evaluate("img => img.complete && img.naturalWidth > 0")
    shot(page, "mfa-03-enrol")
    page.get_by_label("Code from the app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on").click()
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    shot(page, "mfa-04-recovery-codes")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/login"))

    _password_step(page, demo_server, email)
    page.wait_for_url(re.compile(r"/login/mfa"))
    page.get_by_label("Code").fill(codes[0])  # a recovery code works once
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(demo_server.url + "/")
