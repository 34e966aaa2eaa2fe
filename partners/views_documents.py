"""Documents of a person or a household: listed and uploaded from their pages, downloaded only
through document_download, which checks permission (MEDIA_ROOT has no public URL)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accompaniment.models import Procedure
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


def _procedures(user, person):
    """The person's procedures a paper can be attached to, for whoever may upload to the file
    (None otherwise, and for a household: the form then has no such field)."""
    if person is None or not _can_upload(user, person):
        return None
    return (
        Procedure.objects.filter(person=person)
        .select_related("type")
        .order_by("type__position", "type__name", "-created_at", "-pk")
    )


def _procedure_asked(request: HttpRequest, procedures) -> Procedure | None:
    """The procedure named by `?demarche=` (the link on a procedure's page), if it is one of the
    person's."""
    if procedures is None:
        return None
    try:
        pk = int(request.GET.get("demarche", ""))
    except ValueError:
        return None
    return procedures.filter(pk=pk).first()


def _render_documents(
    request: HttpRequest, *, person, household, form, asked: Procedure | None = None
) -> HttpResponse:
    """The list and the upload form: a fragment for htmx (the person's or household's page
    loads it), a page of its own otherwise."""
    owner = person or household
    rows = (
        Document.objects.filter(person=person)
        if person
        else Document.objects.filter(household=household)
    )
    user = request.user
    upload_url = reverse(
        "partners:person_documents" if person else "partners:household_documents",
        args=[owner.pk],
    )
    if asked is not None:
        upload_url += f"?demarche={asked.pk}"
    context = {
        "person": person,
        "household": household,
        "documents": rows,
        "form": form if _can_upload(user, owner) else None,
        "upload_url": upload_url,
        "procedure": asked,
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
    procedures = _procedures(request.user, person)
    asked = _procedure_asked(request, procedures)
    form = DocumentForm(procedures=procedures, initial={"procedure": asked and asked.pk})
    if request.method == "POST":
        if not _can_upload(request.user, owner):
            raise PermissionDenied
        form = DocumentForm(request.POST, request.FILES, procedures=procedures)
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
                    procedure=form.cleaned_data.get("procedure"),
                )
            except ValidationError as error:
                form.add_error("file", error)
            else:
                messages.success(request, _("Document ajouté."))
                chosen = form.cleaned_data.get("procedure")
                if asked is not None and chosen is not None:
                    # Back to the procedure's page the worker came from, the paper listed there.
                    return redirect("accompaniment:procedure_edit", pk=chosen.pk)
                return _owner_page(person=person, household=household)
    audit.record_read(request, owner, section=Section.DOCUMENTS)
    return _render_documents(request, person=person, household=household, form=form, asked=asked)


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
        form = DocumentForm(procedures=_procedures(request.user, person))
        return _render_documents(request, person=person, household=household, form=form)
    messages.success(request, _("Document supprimé."))
    return _owner_page(person=person, household=household)
