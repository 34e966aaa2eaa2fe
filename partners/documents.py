"""Writes on documents. The file's type was checked by partners.files when the form was
validated; it is checked again here so that an import or a script cannot skip it."""

import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from beneficiaries import sharing
from beneficiaries.models import Household, Person
from mia import permissions
from partners import files
from partners.models import Document, Section


def document_add(
    *,
    upload: UploadedFile,
    kind: str,
    by,
    person: Person | None = None,
    household: Household | None = None,
    dated_on: datetime.date | None = None,
    title: str = "",
    procedure=None,
) -> Document:
    """Store the file under a random name and record it. Raises ValidationError (French) for a
    file that is not a PDF or a photo, or is too large."""
    file_kind = files.check_upload(upload)
    if procedure is not None and (person is None or procedure.person_id != person.pk):
        raise ValueError("a procedure's paper belongs to that procedure's person")
    document = Document(
        procedure=procedure,
        person=person,
        household=household,
        kind=kind,
        title=title,
        dated_on=dated_on,
        extension=file_kind.extension,
        content_type=file_kind.content_type,
        size=upload.size,
        uploaded_by=by,
    )
    document.file.save(files.random_name(file_kind), upload, save=False)
    try:
        with transaction.atomic():
            document.save()
    except Exception:
        # No row, no file: an orphan would hold a person's paper nobody can see or delete.
        document.file.delete(save=False)
        raise
    return document


def documents_shared(user, *, person: Person | None = None, household: Household | None = None):
    """Whether this user may see the documents of this person or household: the organisation's
    staff always; a partner only a person's own documents, if that person shared the documents
    section with them under a valid consent. A household's papers are never shared as such:
    they may concern adults of the household who did not consent. Never a manager."""
    if not permissions.reads_documents(user):
        return False
    if permissions.reads_person_files(user):
        owner = person or household
        return owner.organisation_id == user.organisation_id
    if not permissions.reads_documents(user) or person is None:
        return False
    return Section.DOCUMENTS in sharing.sections(user, person)


@transaction.atomic
def document_delete(*, document: Document, by) -> None:
    """Delete the row, then the file once the deletion is committed (a rollback keeps both)."""
    file = document.file
    document.delete()
    transaction.on_commit(lambda: file.storage.delete(file.name))
