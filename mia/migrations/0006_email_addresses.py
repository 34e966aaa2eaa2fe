"""Sign-in (issue 8): every account gets its login address as allauth's verified, primary
EmailAddress, and the TOTP secrets stored so far in clear are encrypted (mia.mfa).

- Addresses: accounts made before invitations wrote the row have none (the set-password link
  then added an unverified one), and the old e-mail page let anyone add addresses nobody
  verified, which a password reset would reach. Each account keeps its login address only,
  verified: the account was opened through a link mailed there. allauth's e-mail change, its
  notices and MFA enrolment read that row.
- Secrets: TOTP secrets and recovery-code seeds written before mia.mfa.MFAAdapter encrypted
  them; the adapter can no longer read them in clear."""

from django.core.exceptions import ImproperlyConfigured
from django.db import migrations
from django.db.models import F

from mia import mfa


def addresses(apps, schema_editor):
    User = apps.get_model("mia", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    EmailAddress.objects.exclude(email__iexact=F("user__email")).delete()
    EmailAddress.objects.update(verified=True, primary=True)
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user_id=user_id, email=email.lower(), verified=True, primary=True)
            for user_id, email in User.objects.filter(emailaddress__isnull=True)
            .exclude(email="")
            .values_list("pk", "email")
        ],
        batch_size=1000,
    )


def _rewrite(apps, change) -> None:
    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.filter(type__in=["totp", "recovery_codes"]):
        data = authenticator.data
        for key in ("secret", "seed"):
            if key in data:
                data[key] = change(data[key])
        if "migrated_codes" in data:
            data["migrated_codes"] = [change(code) for code in data["migrated_codes"]]
        authenticator.save(update_fields=["data"])


def _encrypt_once(value: str) -> str:
    # A secret the new code already wrote (web started before this ran) is left as it is.
    try:
        mfa.decrypt(value)
    except ImproperlyConfigured:
        return mfa.encrypt(value)
    return value


def encrypt_secrets(apps, schema_editor):
    _rewrite(apps, _encrypt_once)


def decrypt_secrets(apps, schema_editor):
    _rewrite(apps, mfa.decrypt)


class Migration(migrations.Migration):
    dependencies = [
        ("mia", "0005_securityevent"),
        ("account", "0009_emailaddress_unique_primary_email"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [
        migrations.RunPython(addresses, migrations.RunPython.noop),
        migrations.RunPython(encrypt_secrets, decrypt_secrets),
    ]
