"""Account writes. An account is created by an administrator or a coordinator; its owner chooses
the password through a set-password link sent by e-mail (never by sign-up)."""

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from mia.models import User


def set_password_url(*, user: User, base_url: str) -> str:
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    return base_url.rstrip("/") + path


@transaction.atomic
def user_invite(*, user: User, by: User, base_url: str) -> User:
    """Create the account without a usable password and e-mail its owner a set-password link."""
    user.email = user.email.lower()
    user.set_unusable_password()
    user.is_staff = user.role == "administrator"
    user.save()
    # The account opens only through the link mailed to this address, so whoever signs in has
    # read it. allauth's e-mail change, notices and MFA enrolment read the address from this row.
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    context = {"user": user, "by": by, "url": set_password_url(user=user, base_url=base_url)}
    transaction.on_commit(
        lambda: send_mail(
            subject=render_to_string("mia/email/invitation_subject.txt", context).strip(),
            message=render_to_string("mia/email/invitation_message.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[user.email],
        )
    )
    return user
