"""Documents of a person or a household: listed and uploaded from their pages, downloaded only
through document_download, which checks permission (MEDIA_ROOT has no public URL)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beneficiaries.models import Household, Person
from mia import audit, permissions
from mia.permissions import access
from partners import documents
from partners.forms_documents import DocumentForm
from partners.models import Document, Section


def _can_upload(user, owner) -> bool:
    return permissions.uploads_documents(user) and owner.organisation_id == user.organisation_id


def _owner_page(*, person, household) -> HttpResponse:
    if person:
        return redirect("beneficiaries:person_detail", pk=person.pk)
    return redirect("beneficiaries:household_detail", pk=household.pk)


def _render_documents(request: HttpRequest, *, person, household, form) -> HttpResponse:
    """The list and the upload form: a fragment for htmx (the person's or household's page
    loads it), a page of its own otherwise."""
    owner = person or household
    rows = (
        Document.objects.filter(person=person)
        if person
        else Document.objects.filter(household=household)
    )
    user = request.user
    context = {
        "person": person,
        "household": household,
        "documents": rows,
        "form": form if _can_upload(user, owner) else None,
        "upload_url": reverse(
            "partners:person_documents" if person else "partners:household_documents",
            args=[owner.pk],
        ),
        "deletes_any": permissions.uploads_documents(user) and permissions.edits_all_files(user),
        "deletes_own": _can_upload(user, owner),
    }
    if request.htmx:
        return render(request, "partners/partials/document_list.html", context)
    return render(request, "partners/document_page.html", context)


def _documents_page(request: HttpRequest, *, person=None, household=None) -> HttpResponse:
    owner = person or household
    if not documents.documents_shared(request.user, person=person, household=household):
        raise Http404
    form = DocumentForm()
    if request.method == "POST":
        if not _can_upload(request.user, owner):
            raise PermissionDenied
        form = DocumentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                documents.document_add(
                    upload=form.cleaned_data["file"],
                    kind=form.cleaned_data["kind"],
                    title=form.cleaned_data["title"],
                    dated_on=form.cleaned_data["dated_on"],
                    by=request.user,
                    person=person,
                    household=household,
                )
            except ValidationError as error:
                form.add_error("file", error)
            else:
                messages.success(request, _("Document ajouté."))
                return _owner_page(person=person, household=household)
    audit.record_read(request, owner, section=Section.DOCUMENTS)
    return _render_documents(request, person=person, household=household, form=form)


@access(permissions.reads_documents, hide=True)
def person_documents(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person.objects.visible_to(request.user), pk=pk)
    return _documents_page(request, person=person)


@access(permissions.reads_documents, hide=True)
def household_documents(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_object_or_404(Household.objects.visible_to(request.user), pk=pk)
    return _documents_page(request, household=household)


@access(permissions.reads_documents, hide=True)
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    document = get_object_or_404(Document.objects.visible_to(request.user), pk=pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    audit.record_download(
        request,
        document,
        section=Section.DOCUMENTS,
        person_id=document.person_id,
        household_id=document.household_id,
    )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.download_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@access(permissions.uploads_documents, hide=True)
@require_POST
def document_delete(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_object_or_404(
        Document.objects.visible_to(request.user).select_related("person", "household"), pk=pk
    )
    if not permissions.can_delete_document(request.user, document):
        raise PermissionDenied
    person, household = document.person, document.household
    documents.document_delete(document=document, by=request.user)
    if request.htmx:
        # The list is part of the person's or household's page: sent again, updated.
        return _render_documents(request, person=person, household=household, form=DocumentForm())
    messages.success(request, _("Document supprimé."))
    return _owner_page(person=person, household=household)
