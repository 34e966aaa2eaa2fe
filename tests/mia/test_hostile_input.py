"""Ids, `next` addresses and NUL characters from a tampered request: read by mia.params and
mia.middleware.NulCharacterMiddleware, answered with a 404, a default page or a 400, never a 500
(issue 14, points 5, 7 and 8)."""

import pytest
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse

from mia.params import int_or_404, int_or_none, next_url
from tests.mia.factories import PASSWORD

NOT_IDS = ["²", "٣", "1" * 5000, "-1", "1.5", " 1", "", "1" * 19]


@pytest.fixture(autouse=True)
def errors_as_responses(client):
    # A server error is a 500 page here, as a user sees it, not an exception in the test.
    client.raise_request_exception = False


# --- Ids ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", NOT_IDS)
def test_only_ascii_digits_of_an_ids_length_are_an_id(value):
    assert int_or_none(value) is None
    with pytest.raises(Http404):
        int_or_404(value)


def test_an_id_is_read_as_a_number():
    assert (int_or_none("0"), int_or_none("42"), int_or_none("9" * 18)) == (0, 42, 10**18 - 1)


@pytest.mark.parametrize("value", NOT_IDS[:5])
def test_ending_the_sessions_of_an_account_that_is_no_id_is_not_found(login_as, value):
    response = login_as("administrator").post(reverse("team_sessions_end"), {"user": value})

    assert response.status_code == 404


# --- Where to go back --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "foo",
        "personnes",
        "/nulle-part/",
        "//example.org/",
        "/\\example.org/",
        "https://example.org/",
        "http://testserver/",
        "javascript:alert(1)",
        "\x01/",
    ],
)
def test_a_next_that_is_not_a_page_of_ours_falls_back(target):
    request = RequestFactory().post("/", {"next": target})

    assert next_url(request, "/defaut/") == "/defaut/"


@pytest.mark.parametrize("target", ["/", "/personnes/?status=active&page=2", "/sites/#carte"])
def test_a_next_that_is_a_page_of_ours_is_kept(target):
    request = RequestFactory().get("/", {"next": target})

    assert next_url(request, "/defaut/") == target


@pytest.mark.parametrize("target", ["foo", "/nulle-part/", "//example.org/"])
def test_switching_language_with_a_bad_next_goes_somewhere(client, target):
    """Django's set_language checks `next` itself: any address of ours, never another site."""
    response = client.post(reverse("language"), {"language": "en", "next": target})

    assert response.status_code == 302
    assert "example.org" not in response["Location"]


@pytest.mark.parametrize("target", ["foo", "//example.org/"])
def test_signing_in_with_a_bad_next_goes_to_our_pages(fresh_caches, client, referent, target):
    """allauth checks `next` itself, and resolves a bare word as a path."""
    response = client.post(
        reverse("account_login") + f"?next={target}",
        {"login": referent.email, "password": PASSWORD},
    )

    assert response.status_code == 302
    assert "example.org" not in response["Location"]


# --- NUL characters ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("get", "/personnes/", {"referent": "aucun\x00"}),
        ("get", "/personnes/", {"status\x00": "active"}),
        ("post", "/personnes/", {"q": "Ionescu\x00"}),
        ("post", "/personnes/nouvelle/", {"first_name": "Ana", "last_name": "\x00"}),
        ("get", "/personnes/%00/", {}),
        ("get", "/comptes/login/", {"next": "/\x00"}),
    ],
)
def test_a_nul_character_anywhere_is_a_bad_request(login_as, person, method, path, data):
    client = login_as("referent")

    response = getattr(client, method)(path, data)

    assert response.status_code == 400
    assert "Requête refusée" in response.content.decode()
