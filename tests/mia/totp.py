"""TOTP for tests: enrol an account as allauth does, and compute the code an authenticator app
would show, with allauth's own functions."""

import time

from allauth.mfa import app_settings
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)


def enrol(user) -> str:
    """An authenticator for `user`, stored through the MFA adapter; returns its secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def code(secret: str) -> str:
    """The current code. Near the end of a period, waits for the next one: a code computed at
    29.9 s would be refused at 30.1 s."""
    period = app_settings.TOTP_PERIOD
    if period - time.time() % period < 3:
        time.sleep(3)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))
