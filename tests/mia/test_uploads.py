"""Uploads over MIA_UPLOAD_MAX_MB are refused while they stream in (mia.uploads): the request
is sent to Django as a WSGI server would, from an input stream that counts what was read."""

import io
import sys

import pytest
from django.test.client import ClientHandler
from django.urls import reverse

from partners.models import Consent, Document, DocumentKind

MB = 1024 * 1024
BOUNDARY = "mia-test-boundary"
TOO_LARGE = "Le fichier dépasse la taille maximale de"


class CountingBody(io.RawIOBase):
    """wsgi.input: the fields, then `size` bytes of a PDF made on demand (a 60 MB body is
    never held in memory), then the closing boundary. `read` counts what the server took."""

    def __init__(self, fields: dict, file_field: str, size: int):
        part = '--{}\r\nContent-Disposition: form-data; name="{}"\r\n\r\n{}\r\n'
        head = b"".join(part.format(BOUNDARY, *field).encode() for field in fields.items())
        head += (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{file_field}"; '
            f'filename="scan.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n'
        ).encode()
        tail = f"\r\n--{BOUNDARY}--\r\n".encode()
        # (bytes, length), or (None, length) for zeros: the file is the PDF header and zeros.
        self.segments = [(head, len(head)), (None, size - len(b"%PDF-1.4\n")), (tail, len(tail))]
        self.length = sum(length for _, length in self.segments)
        self.position = 0
        self.read_bytes = 0

    def readable(self):
        return True

    def read(self, size=-1):
        size = self.length - self.position if size is None or size < 0 else size
        out, offset = bytearray(), 0
        for data, length in self.segments:
            start = max(self.position - offset, 0)
            if start < length and len(out) < size:
                take = min(length - start, size - len(out))
                out += data[start : start + take] if data is not None else b"0" * take
            offset += length
        self.position += len(out)
        self.read_bytes += len(out)
        return bytes(out)


def _post(client, path: str, body, content_type: str):
    """The request as gunicorn hands it over: a Content-Length and a stream (CSRF checks off
    as with the test client; the session cookie of the signed-in persona)."""
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(body.length),
        "HTTP_COOKIE": "; ".join(f"{key}={morsel.value}" for key, morsel in client.cookies.items()),
        "wsgi.input": body,
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    return ClientHandler(enforce_csrf_checks=False)(environ)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _stored(media) -> list:
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"


def _upload(client, person, body):
    return _post(client, reverse("partners:person_documents", args=[person.pk]), body, MULTIPART)


def test_a_60_mb_upload_is_refused_before_it_is_read(login_as, person, media):
    client = login_as("referent")
    fields = {"kind": DocumentKind.PREFECTURE, "dated_on": "2026-03-01"}
    body = CountingBody(fields, "file", 60 * MB)

    response = _upload(client, person, body)

    assert response.status_code == 200
    page = response.content.decode()
    assert f"{TOO_LARGE} 10 Mo." in page
    # The rest of the form is kept.
    assert f'<option value="{DocumentKind.PREFECTURE}" selected>' in page
    assert 'value="2026-03-01"' in page
    assert body.read_bytes < 1 * MB, f"{body.read_bytes} of {body.length} bytes read"
    assert not Document.objects.exists()
    assert _stored(media) == []


def test_a_file_over_the_limit_stops_being_read_at_the_limit(login_as, person, media, settings):
    settings.MIA_UPLOAD_MAX_MB = 1
    client = login_as("referent")
    # 3 MB: less than the largest body (1 MB of file and the fields' allowance), so the
    # announced length lets it in and the count of the file's bytes stops it.
    body = CountingBody({"kind": DocumentKind.CAF}, "file", 3 * MB)

    response = _upload(client, person, body)

    assert f"{TOO_LARGE} 1 Mo." in response.content.decode()
    assert body.read_bytes < 1.2 * MB, f"{body.read_bytes} of {body.length} bytes read"
    assert not Document.objects.exists()
    assert _stored(media) == []


def test_a_file_within_the_limit_is_stored(login_as, person, media, settings):
    settings.MIA_UPLOAD_MAX_MB = 1
    client = login_as("referent")
    body = CountingBody({"kind": DocumentKind.CAF}, "file", MB - 1024)

    response = _upload(client, person, body)

    assert response.status_code == 302
    assert Document.objects.get().file.size == MB - 1024
    assert body.read_bytes == body.length


def test_a_consent_is_not_recorded_without_its_refused_proof(login_as, person, partner):
    client = login_as("referent")
    fields = {
        "organisation": partner.organisation_id,
        "purpose": "Inscription à France Travail",
        "sections": "employment",
        "given_on": "2026-01-05",
    }
    body = CountingBody(fields, "proof", 60 * MB)

    response = _post(client, reverse("partners:consents", args=[person.pk]), body, MULTIPART)

    assert response.status_code == 200
    page = response.content.decode()
    assert f"{TOO_LARGE} 10 Mo." in page
    assert "Inscription à France Travail" in page
    assert body.read_bytes < 1 * MB
    assert not Consent.objects.exists()


class UrlEncodedBody(CountingBody):
    def __init__(self, size: int):
        self.segments = [(b"note=", 5), (None, size - 5)]
        self.length, self.position, self.read_bytes = size, 0, 0


def test_a_body_without_a_file_larger_than_the_cap_is_refused_unread(login_as, person):
    client = login_as("referent")
    body = UrlEncodedBody(5 * MB)

    response = _post(
        client,
        reverse("accompaniment:followup_create", args=[person.pk]),
        body,
        "application/x-www-form-urlencoded",
    )

    assert response.status_code == 400
    assert body.read_bytes == 0
