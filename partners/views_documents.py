"""Documents of a person or a household: listed and uploaded from their pages, downloaded only
through document_download, which checks permission (MEDIA_ROOT has no public URL)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from beneficiaries.models import Household, Person
from mia import audit, permissions
from mia.permissions import access
from partners import documents
from partners.forms_documents import DocumentForm
from partners.models import Document, Section


def _documents_page(request: HttpRequest, *, person=None, household=None) -> HttpResponse:
    """List and upload form, shared by the person's and the household's pages."""
    owner = person or household
    if not documents.documents_shared(request.user, person=person, household=household):
        raise Http404
    can_upload = (
        permissions.uploads_documents(request.user)
        and owner.organisation_id == request.user.organisation_id
    )
    form = DocumentForm()
    if request.method == "POST":
        if not can_upload:
            raise PermissionDenied
        form = DocumentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                documents.document_add(
                    upload=form.cleaned_data["file"],
                    kind=form.cleaned_data["kind"],
                    dated_on=form.cleaned_data["dated_on"],
                    by=request.user,
                    person=person,
                    household=household,
                )
            except ValidationError as error:
                form.add_error("file", error)
            else:
                messages.success(request, _("Document ajouté."))
                if person:
                    return redirect("beneficiaries:person_detail", pk=person.pk)
                return redirect("beneficiaries:household_detail", pk=household.pk)
    rows = (
        Document.objects.filter(person=person)
        if person
        else Document.objects.filter(household=household)
    ).select_related("uploaded_by")
    context = {
        "person": person,
        "household": household,
        "documents": rows,
        "form": form if can_upload else None,
        "upload_url": request.path,
    }
    if request.htmx and request.method == "GET":
        return render(request, "partners/partials/document_list.html", context)
    return render(request, "partners/document_page.html", context)


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
