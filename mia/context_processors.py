from mia import permissions


def navigation(request) -> dict:
    """What the menu offers: each entry follows the same rule as the view it leads to."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav": {
            "persons": permissions.reads_person_files(user),
            # The pages' "Nouvelle personne" and "Nouveau lieu" buttons.
            "person_create": permissions.creates_person_files(user),
            "site_create": permissions.edits_sites(user),
            "sites": permissions.reads_person_files(user),
            "board": permissions.reads_caseload_board(user),
            # The organisation's French courses; a trainer's (partner account), those their
            # organisation gives (CourseQuerySet.visible_to).
            "courses": permissions.reads_pathways(user) or permissions.reads_shared_files(user),
            "employment": permissions.reads_employment(user),
            "evacuations": permissions.reads_housing(user),
            "actions": permissions.reads_actions(user),
            # The board's link to the temporary covers (accompaniment:covers).
            "covers": permissions.assigns_referents(user),
            "shared_files": permissions.reads_shared_files(user),
            "organisations": permissions.reads_person_files(user),
            "referrals_sent": permissions.sends_referrals(user),
            "referrals_received": permissions.answers_referrals(user),
            # Not a menu entry: the "Entretien" buttons of lists of people (person_rows.html).
            "follow_ups": permissions.reads_notes(user),
            # The account menu's link to accompaniment:calendar_feed_settings.
            "calendar_feed": permissions.keeps_caseload(user),
            "team": permissions.manages_accounts(user),
            "admin": user.is_staff,
        }
    }
