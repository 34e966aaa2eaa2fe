"""Who may do what. Roles are spelled out here and nowhere else: views declare a rule with
`@access(rule)`, querysets (`visible_to`, `editable_by`) call the predicates below.

A rule answers for the role; which objects a user reaches is the queryset's business, so an id
typed by the wrong user is a 404 whatever the view."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from mia import security
from mia.models import Organisation, Role, User

Rule = Callable[[object], bool]

_CASELOAD_ROLES = {Role.SOCIAL_WORKER, Role.COORDINATOR}


def _role(user) -> str | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return user.role


def signed_in(user) -> bool:
    """Any active account; the view's querysets decide what it shows."""
    return _role(user) is not None


def requires_mfa(user) -> bool:
    """A second factor after the password (mia.mfa, when MIA_MFA_REQUIRED is on): the roles that
    open every file of the organisation, its figures or the admin."""
    return _role(user) in {Role.COORDINATOR, Role.MANAGER, Role.ADMINISTRATOR} or (
        signed_in(user) and user.is_staff
    )


def reads_person_files(user) -> bool:
    """Opens the files (people, households, sites) of their own organisation."""
    return _role(user) in {Role.SOCIAL_WORKER, Role.COORDINATOR, Role.MANAGER, Role.ADMINISTRATOR}


def reads_shared_files(user) -> bool:
    """A partner: opens only the files shared with their organisation, and only the shared
    sections (partners.services grants them; PersonQuerySet.visible_to reads the grants)."""
    return _role(user) == Role.PARTNER


def opens_person_pages(user) -> bool:
    """A person's page: the team's own files, or a partner's shared ones (querysets narrow)."""
    return reads_person_files(user) or reads_shared_files(user)


def reads_notes(user) -> bool:
    """Free-text notes are for the people doing the accompaniment, not for figures."""
    return _role(user) in {Role.SOCIAL_WORKER, Role.COORDINATOR}


def creates_person_files(user) -> bool:
    return _role(user) in {Role.SOCIAL_WORKER, Role.COORDINATOR}


def merges_files(user) -> bool:
    """Merging two files deletes one and moves everything it holds: a coordinator's decision,
    taken with the whole organisation's files in view."""
    return _role(user) == Role.COORDINATOR


def keeps_caseload(user) -> bool:
    """May be a person's referent, and edits the files of their own caseload."""
    return _role(user) in _CASELOAD_ROLES


def edits_all_files(user) -> bool:
    return _role(user) == Role.COORDINATOR


def assigns_referents(user) -> bool:
    return _role(user) == Role.COORDINATOR


def reads_caseload_board(user) -> bool:
    """The board names workers and leads to their people: the coordinators' tool, which managers
    read too, read-only and without notes (accompaniment/board.py)."""
    return _role(user) in {Role.COORDINATOR, Role.MANAGER}


def edits_sites(user) -> bool:
    return _role(user) in {Role.SOCIAL_WORKER, Role.COORDINATOR}


def manages_accounts(user) -> bool:
    return _role(user) in {Role.COORDINATOR, Role.ADMINISTRATOR}


def administers(user) -> bool:
    """Uses the Django admin (users, organisations, reference lists; files read-only)."""
    return _role(user) == Role.ADMINISTRATOR


def manages_all_organisations(user) -> bool:
    """The instance's superuser, created with `manage.py createsuperuser` and never through a
    page: accounts and organisations of every association and partner. An association's
    administrator manages their own organisation only: a partner account they created would
    open the files other associations share with that partner."""
    return _role(user) == Role.ADMINISTRATOR and user.is_superuser


def organisations_administered_by(user):
    """The organisations whose details and accounts this administrator manages."""
    if manages_all_organisations(user):
        return Organisation.objects.all()
    if administers(user):
        return Organisation.objects.filter(pk=user.organisation_id)
    return Organisation.objects.none()


def is_staff_role(role: str) -> bool:
    """The Django admin's is_staff flag follows the role; nobody sets it by hand."""
    return role == Role.ADMINISTRATOR


def reads_figures(user) -> bool:
    return _role(user) in {Role.COORDINATOR, Role.MANAGER, Role.ADMINISTRATOR}


def roles_assignable_by(user) -> list[str]:
    """A coordinator staffs their own team; an association's administrator creates the accounts
    of their organisation; the instance's superuser every kind, partners included."""
    role = _role(user)
    if manages_all_organisations(user):
        return list(Role.values)
    if role == Role.ADMINISTRATOR:
        return [Role.SOCIAL_WORKER, Role.COORDINATOR, Role.MANAGER, Role.ADMINISTRATOR]
    if role == Role.COORDINATOR:
        return [Role.SOCIAL_WORKER, Role.COORDINATOR]
    return []


def possible_referents(user):
    """Active accounts of the user's organisation that may hold a caseload (none for None)."""
    if user is None:
        return User.objects.none()
    return User.objects.filter(
        organisation_id=user.organisation_id, is_active=True, role__in=_CASELOAD_ROLES
    ).order_by("last_name", "first_name")


def team_members(user):
    """Every account of the user's organisation, deactivated ones included: the caseload of
    someone who left must still be found to be handed over."""
    if user is None:
        return User.objects.none()
    return User.objects.filter(organisation_id=user.organisation_id)


def can_edit_person(user, person) -> bool:
    if not reads_person_files(user) or person.organisation_id != user.organisation_id:
        return False
    if edits_all_files(user):
        return True
    return keeps_caseload(user) and person.referent_id == user.pk


def manages_consents(user, person) -> bool:
    """Records or withdraws a person's consents to share: whoever may edit the file."""
    return can_edit_person(user, person)


def can_edit_household(user, household) -> bool:
    """A coordinator, or a referent of one of its members; a household that has no member yet
    may be completed by any field worker of its organisation (who just created it)."""
    if not reads_person_files(user) or household.organisation_id != user.organisation_id:
        return False
    if edits_all_files(user):
        return True
    if not keeps_caseload(user):
        return False
    members = household.members.all()
    return not members.exists() or members.filter(referent_id=user.pk).exists()


def can_edit_site(user, site) -> bool:
    return edits_sites(user) and site.organisation_id == user.organisation_id


def can_edit_follow_up(user, follow_up) -> bool:
    """Its author corrects a follow-up; a coordinator any follow-up of the organisation."""
    if not reads_notes(user) or follow_up.organisation_id != user.organisation_id:
        return False
    return edits_all_files(user) or follow_up.author_id == user.pk


def can_complete_task(user, task) -> bool:
    """Whoever the task is assigned to ticks it off; a coordinator any task of the organisation."""
    if not reads_notes(user) or task.organisation_id != user.organisation_id:
        return False
    return edits_all_files(user) or task.assigned_to_id == user.pk


def reads_access_log(user, person) -> bool:
    """ "Who looked at or changed this file": a coordinator or an administrator of the person's
    organisation, and the person's referent."""
    role = _role(user)
    if role is None or person.organisation_id != user.organisation_id:
        return False
    if role in {Role.COORDINATOR, Role.ADMINISTRATOR}:
        return True
    return role in _CASELOAD_ROLES and person.referent_id == user.pk


def sends_referrals(user) -> bool:
    """Refers a person of the organisation to a partner (any field worker: they cover for each
    other), and follows the referrals sent."""
    return _role(user) in _CASELOAD_ROLES


def answers_referrals(user) -> bool:
    """A partner accepts, declines or closes the referrals addressed to their organisation."""
    return _role(user) == Role.PARTNER


def reads_referrals(user) -> bool:
    """A referral's page: the sending organisation's staff, or the partner it is addressed to
    (ReferralQuerySet.visible_to narrows)."""
    return reads_person_files(user) or answers_referrals(user)


def reads_referral_reasons(user) -> bool:
    """Why a person was referred (and why the partner declined) is free text about them: for
    the team that accompanies, the administrator and the partner it is addressed to. Managers
    read figures and the lists behind them, not the reasons."""
    return _role(user) in {
        Role.SOCIAL_WORKER,
        Role.COORDINATOR,
        Role.ADMINISTRATOR,
        Role.PARTNER,
    }


def reads_consent_proofs(user) -> bool:
    """The signed proof of a consent names and shows the person: the organisation's staff who
    record consents, and the administrator; never a manager, never a partner."""
    return _role(user) in {Role.SOCIAL_WORKER, Role.COORDINATOR, Role.ADMINISTRATOR}


def uploads_documents(user) -> bool:
    """Attaches papers to the files of the organisation: the people who meet the families."""
    return _role(user) in _CASELOAD_ROLES


def can_delete_document(user, document) -> bool:
    """A paper attached by mistake is removed by whoever attached it, or by a coordinator."""
    if not uploads_documents(user):
        return False
    return edits_all_files(user) or document.uploaded_by_id == user.pk


def reads_documents(user) -> bool:
    """Papers (identity documents, letters): the team's own files, or a partner's shared ones
    whose documents section is shared (querysets narrow). Managers read figures and the lists
    behind them, never the papers."""
    return _role(user) in {
        Role.SOCIAL_WORKER,
        Role.COORDINATOR,
        Role.ADMINISTRATOR,
        Role.PARTNER,
    }


def reads_security_events(user) -> bool:
    """Sign-ins, failures, refusals and lock-outs of the organisation's accounts (mia.security)."""
    return administers(user)


def ends_sessions(user) -> bool:
    """Signs an account of the organisation out everywhere (a lost phone, someone leaving)."""
    return administers(user)


def access(rule: Rule, *, hide: bool = False):
    """Declare who may use a view. Anonymous visitors go to the login page; a signed-in user the
    rule refuses gets 403, or 404 with hide=True (pages about one person must not reveal that
    the person exists)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not rule(request.user):
                if hide:
                    raise Http404
                security.refused(request)
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.access_rule = rule.__name__
        return wrapped

    return decorator


def public(view):
    """Open to anonymous visitors (login, health check); says so explicitly."""
    view.access_rule = "public"
    return view


# --- The pathways: rights, school, French (accompaniment) ----------------------------------------


def reads_pathways(user) -> bool:
    """A person's procedures, schooling and French: the organisation's staff (managers and the
    administrator read them too; free text stays with the team, reads_notes). A partner reads
    them on the person's page through a shared section only (partners.sharing)."""
    return reads_person_files(user)


def records_pathways(user) -> bool:
    """Records procedures, refusals, schooling, enrolments and levels: the people who meet the
    families (any field worker of the organisation: they cover for each other)."""
    return _role(user) in _CASELOAD_ROLES


def manages_courses(user) -> bool:
    """Creates and edits the French courses the organisation's people attend."""
    return _role(user) in _CASELOAD_ROLES


def takes_attendance(user, course) -> bool:
    """Ticks who came to a class: the organisation's field workers, or a trainer (a partner
    account) of the organisation that gives the course."""
    role = _role(user)
    if role in _CASELOAD_ROLES:
        return course.organisation_id == user.organisation_id
    return role == Role.PARTNER and course.provider_id == user.organisation_id


def opens_attendance_sheets(user) -> bool:
    """The attendance pages' rule: staff who take attendance, or a trainer; which courses each
    reaches is CourseQuerySet.visible_to's business."""
    return records_pathways(user) or reads_shared_files(user)


# --- The pathways: employment, housing; sites and local actions (issue 11) ---------------------


def reads_employment(user) -> bool:
    """Employers, offers, candidates, trainings and contracts of the organisation: its staff. A
    partner reads a person's employment on the person's page through a shared section only."""
    return reads_person_files(user)


def records_employment(user) -> bool:
    """Records employers, offers, candidates, trainings, workshops and contracts: the people who
    meet the families and the employers."""
    return _role(user) in _CASELOAD_ROLES


def reads_housing(user) -> bool:
    """Evacuations, shelter offers, applications, placements and trajectories: the staff. A
    partner reads a household's housing through a shared section only."""
    return reads_person_files(user)


def records_housing(user) -> bool:
    """Records wishes, shelter offers and their answers (the evacuation board on the day),
    applications and placements: the field workers and the coordinators."""
    return _role(user) in _CASELOAD_ROLES


def manages_evacuations(user) -> bool:
    """Records that an evacuation is announced, its social diagnostic and that it was carried
    out: the coordinator, who plans the response."""
    return _role(user) == Role.COORDINATOR


def reads_site_legal_procedure(user) -> bool:
    """The owner's complaint, court decision, police assistance, orders: coordinators and
    managers only (never field workers nor partners: trust on the sites depends on it)."""
    return _role(user) in {Role.COORDINATOR, Role.MANAGER}


def records_site_legal_procedure(user) -> bool:
    return _role(user) == Role.COORDINATOR


def reads_actions(user) -> bool:
    """Local actions (the programme's local insertion projects): the organisation's staff."""
    return reads_person_files(user)


def manages_actions(user) -> bool:
    """Creates actions, their pilots, operators and people; their financing."""
    return _role(user) in {Role.COORDINATOR, Role.MANAGER}
