from mia import permissions


def navigation(request) -> dict:
    """What the menu offers: each entry follows the same rule as the view it leads to."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav": {
            "persons": permissions.reads_person_files(user),
            "sites": permissions.reads_person_files(user),
            "board": permissions.reads_caseload_board(user),
            "shared_files": permissions.reads_shared_files(user),
            "organisations": permissions.reads_person_files(user),
            "referrals_sent": permissions.sends_referrals(user),
            "referrals_received": permissions.answers_referrals(user),
            "team": permissions.manages_accounts(user),
            "admin": user.is_staff,
        }
    }
