"""Names typed in a search never travel in a URL (URLs end up in access logs, browser history
and Referer headers). The search form is posted; the text is kept in the user's session under
a short random key, and the results' URL (bookmarks, pagination, back button) carries the key."""

import secrets

SESSION_KEY = "mia_searches"
KEEP = 20


def remember(request, text: str) -> str:
    searches = request.session.get(SESSION_KEY, {})
    for key, value in searches.items():
        if value == text:
            return key
    key = secrets.token_urlsafe(6)
    searches[key] = text
    request.session[SESSION_KEY] = dict(list(searches.items())[-KEEP:])
    return key


def recall(request, key: str) -> str:
    return request.session.get(SESSION_KEY, {}).get(key, "")
