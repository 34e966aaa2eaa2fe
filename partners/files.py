"""Checks on uploaded files (documents, consent proofs): the real type is read from the file's
first bytes, never trusted from its name or the browser's content type, and size is capped.

Stored names are random, with only the checked extension: a person's name typed in a file name
must not end up in the storage path nor in a backup listing."""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

ACCEPT = "application/pdf,image/jpeg,image/png,image/heic"

# ftyp brands of HEIC/HEIF pictures as iPhones and Android phones write them.
_HEIC_BRANDS = {b"heic", b"heix", b"mif1", b"msf1"}


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extension: str


PDF = FileKind("application/pdf", "pdf")
JPEG = FileKind("image/jpeg", "jpg")
PNG = FileKind("image/png", "png")
HEIC = FileKind("image/heic", "heic")


def sniff(head: bytes) -> FileKind | None:
    """The kind of file these first bytes (at least 12) open, or None if not one we accept."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[4:8] == b"ftyp" and head[8:12] in _HEIC_BRANDS:
        return HEIC
    return None


def max_upload_bytes() -> int:
    return settings.MIA_UPLOAD_MAX_MB * 1024 * 1024


def check_upload(upload: UploadedFile) -> FileKind:
    """The file's real kind; ValidationError in French if it is empty, too large or not a PDF
    nor a photo. The file is rewound so that it can be saved afterwards."""
    if upload.size == 0:
        raise ValidationError(_("Le fichier est vide."), code="empty")
    if upload.size > max_upload_bytes():
        raise ValidationError(
            _("Le fichier dépasse la taille maximale de %(max)d Mo.")
            % {"max": settings.MIA_UPLOAD_MAX_MB},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = sniff(head)
    if kind is None:
        raise ValidationError(
            _("Ce fichier n'est ni un PDF ni une photo (JPEG, PNG ou HEIC)."), code="type"
        )
    return kind


def random_name(kind: FileKind) -> str:
    """A stored file name that says nothing about the person: random, with the checked type."""
    return f"{secrets.token_urlsafe(24)}.{kind.extension}"
