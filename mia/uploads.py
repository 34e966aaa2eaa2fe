"""Uploads refused while they stream in, not once received whole.

UploadLimitHandler comes first in FILE_UPLOAD_HANDLERS. It stops reading the request at the
first file larger than MIA_UPLOAD_MAX_MB, and at once when the body announced by the browser
(Content-Length) is larger than any form may send: a 60 MB photo is never received, nor written
to a temporary file. The form then finds, in place of the file, a RefusedUpload whose size its
checks refuse with the French message (partners.files.check_upload); the fields sent before the
file are kept, so forms put their file last. Bodies without a file are capped by Django
(DATA_UPLOAD_MAX_MEMORY_SIZE, refused from their Content-Length before they are read)."""

import io

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http.multipartparser import MultiPartParser


def max_upload_bytes() -> int:
    return settings.MIA_UPLOAD_MAX_MB * 1024 * 1024


def max_body_bytes() -> int:
    """The largest form body: one file at the limit and the form's other fields."""
    return max_upload_bytes() + settings.DATA_UPLOAD_MAX_MEMORY_SIZE


class RefusedUpload(UploadedFile):
    """Stands for a file not received: its size (more than the limit, as announced or as far as
    it was read) makes the form refuse it; it holds no byte, so nothing can be stored."""

    def __init__(self, name: str, size: int):
        super().__init__(io.BytesIO(), name=name, content_type="application/octet-stream")
        self.size = size


class UploadLimitHandler(FileUploadHandler):
    def __init__(self, request=None):
        super().__init__(request)
        self.parsing = False
        self.body_length = 0
        self.refused: list[tuple[str, str, int]] = []

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        """Parse the body here, so that a refused file can still be named in request.FILES
        (Django drops the file it was reading when an upload is stopped)."""
        if self.parsing:
            return None
        self.parsing = True
        self.body_length = content_length
        handlers = self.request.upload_handlers
        post, files = MultiPartParser(META, input_data, handlers, encoding).parse()
        for field_name, file_name, size in self.refused:
            files.appendlist(field_name, RefusedUpload(file_name, size))
        return post, files

    def new_file(self, field_name, file_name, content_type, content_length, *args, **kwargs):
        super().new_file(field_name, file_name, content_type, content_length, *args, **kwargs)
        if self.body_length > max_body_bytes():
            self._refuse(self.body_length)
        if content_length is not None and content_length > max_upload_bytes():
            self._refuse(content_length)

    def receive_data_chunk(self, raw_data, start):
        received = start + len(raw_data)
        if received > max_upload_bytes():
            self._refuse(received)
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handlers store the file

    def _refuse(self, size: int):
        self.refused.append((self.field_name, self.file_name, size))
        # connection_reset: Django would otherwise read the rest of the body to discard it.
        raise StopUpload(connection_reset=True)
