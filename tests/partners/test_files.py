"""The real type of an upload comes from its content, whatever its name says."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from partners import files

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
HTML = b"<!DOCTYPE html><script>alert(1)</script>"


@pytest.mark.parametrize(
    ("content", "name", "content_type", "extension"),
    [
        (PDF, "courrier CAF.pdf", "application/pdf", "pdf"),
        (JPEG, "IMG_0001.JPG", "image/jpeg", "jpg"),
        (PNG, "capture.png", "image/png", "png"),
        (HEIC, "IMG_0002.HEIC", "image/heic", "heic"),
        (b"\x00\x00\x00\x1cftypmif1" + b"\x00" * 32, "photo.heif", "image/heic", "heic"),
        # A photo saved under a wrong name is still a photo.
        (JPEG, "document.pdf", "image/jpeg", "jpg"),
    ],
)
def test_accepted_kinds_are_read_from_content(settings, content, name, content_type, extension):
    kind = files.check_upload(SimpleUploadedFile(name, content, "application/octet-stream"))

    assert (kind.content_type, kind.extension) == (content_type, extension)


@pytest.mark.parametrize(
    ("content", "name", "browser_type"),
    [
        (EXE, "titre de séjour.pdf", "application/pdf"),
        (HTML, "photo.jpg", "image/jpeg"),
        (b"PK\x03\x04" + b"\x00" * 32, "lettre.docx", "application/pdf"),
        (b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 32, "video.heic", "image/heic"),
    ],
)
def test_other_content_is_refused_in_french_whatever_its_name(content, name, browser_type):
    with pytest.raises(ValidationError) as error:
        files.check_upload(SimpleUploadedFile(name, content, browser_type))

    assert error.value.messages == ["Ce fichier n'est ni un PDF ni une photo (JPEG, PNG ou HEIC)."]


def test_too_large_and_empty_files_are_refused(settings):
    settings.MIA_UPLOAD_MAX_MB = 1
    big = SimpleUploadedFile("scan.pdf", PDF + b"\x00" * (1024 * 1024), "application/pdf")

    with pytest.raises(ValidationError) as error:
        files.check_upload(big)
    assert error.value.messages == ["Le fichier dépasse la taille maximale de 1 Mo."]

    with pytest.raises(ValidationError) as error:
        files.check_upload(SimpleUploadedFile("vide.pdf", b"", "application/pdf"))
    assert error.value.messages == ["Le fichier est vide."]


def test_check_rewinds_the_file_so_it_is_saved_whole():
    upload = SimpleUploadedFile("scan.pdf", PDF, "application/pdf")

    files.check_upload(upload)

    assert upload.read() == PDF


def test_stored_names_are_random_and_carry_only_the_type():
    names = {files.random_name(files.PDF) for _ in range(50)}

    assert len(names) == 50
    assert all(name.endswith(".pdf") and "/" not in name for name in names)
