"""What a screen reader and a keyboard need from every page (WCAG 2.1 AA: 1.1.1, 1.3.1, 2.4.4,
2.4.6, 3.1.1, 4.1.1, 4.1.2), checked on the HTML of every route a persona opens, on the shared
file of tests/conftest.py: the page's language, one main heading, unique ids, a name for every
control, link and button, a text alternative for every image, labels that point at a control.

The walk reads the routes of the access matrix (tests/test_access_matrix.py), so a new page is
checked as soon as it has its row there."""

from html.parser import HTMLParser

import pytest

from tests.test_access_matrix import ALL, url_of

# Controls a person fills in or chooses, which need a name of their own.
NAMED_INPUTS = {"hidden", "submit", "button", "reset", "image"}


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lang = None
        self.h1 = 0
        self.ids: list[str] = []
        self.label_for: list[str] = []
        self.controls: list[dict] = []  # {"tag", "attrs", "in_label"}
        self.images: list[dict] = []
        # Open <a>/<button>/<label> elements: [tag, attrs, text, has_named_child]
        self.stack: list[list] = []
        self.unnamed: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if tag == "h1":
            self.h1 += 1
        if attrs.get("id"):
            self.ids.append(attrs["id"])
        if tag == "label" and attrs.get("for"):
            self.label_for.append(attrs["for"])
        in_label = any(entry[0] == "label" for entry in self.stack)
        if tag in ("select", "textarea") or (
            tag == "input" and attrs.get("type", "text") not in NAMED_INPUTS
        ):
            self.controls.append({"tag": tag, "attrs": attrs, "in_label": in_label})
        if tag == "img":
            self.images.append(attrs)
            if self.stack and attrs.get("alt"):
                self.stack[-1][3] = True
        if tag in ("a", "button", "label"):
            self.stack.append([tag, attrs, "", False])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        for entry in self.stack:
            entry[2] += data

    def handle_endtag(self, tag):
        if tag not in ("a", "button", "label"):
            return
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                _tag, attrs, text, named_child = self.stack.pop(index)
                named = text.strip() or named_child or attrs.get("aria-label")
                named = named or attrs.get("aria-labelledby") or attrs.get("title")
                if tag == "a" and "href" not in attrs:
                    return
                if tag != "label" and not named:
                    self.unnamed.append(f"<{tag} {attrs}>")
                return


def problems(html: str, *, fragment: bool) -> list[str]:
    page = Page()
    page.feed(html)
    found = []
    if not fragment:
        if not page.lang:
            found.append("no lang on <html>")
        if page.h1 != 1:
            found.append(f"{page.h1} <h1>")
    duplicates = sorted({i for i in page.ids if page.ids.count(i) > 1})
    if duplicates:
        found.append(f"ids used twice: {duplicates}")
    ids = set(page.ids)
    found += [f"label for a missing id: {target}" for target in page.label_for if target not in ids]
    labelled = set(page.label_for)
    for control in page.controls:
        attrs = control["attrs"]
        named = control["in_label"] or attrs.get("id") in labelled
        named = named or attrs.get("aria-label") or attrs.get("aria-labelledby")
        if not (named or attrs.get("title")):
            found.append(f"control without a name: <{control['tag']} {attrs}>")
    found += [f"image without alt: {attrs}" for attrs in page.images if "alt" not in attrs]
    found += [f"without a name: {element}" for element in page.unnamed]
    return found


@pytest.mark.parametrize(
    "persona", ["referent", "coordinator", "manager", "administrator", "partner", "outsider"]
)
def test_every_page_a_persona_opens_is_structured_for_assistive_technologies(
    login_as, files, persona
):
    client = login_as(persona)
    failures = {}
    checked = 0
    for route in ALL:
        response = client.get(url_of(route, files))
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        found = problems(html, fragment="<html" not in html)
        checked += 1
        if found:
            failures[route] = found
    assert checked >= 5
    assert failures == {}


def test_the_checks_find_what_they_look_for():
    page = """<html><body><h1>A</h1><h1>B</h1><p id="x"></p><p id="x"></p>
      <label for="nowhere">Nom</label><input name="q"><select name="s"></select>
      <img src="a.png"><a href="/"></a><button></button>
      <label>Date <input type="date" name="d"></label><a href="/b" aria-label="Fermer"></a>
      <button><img src="i.png" alt="Chercher"></button><input type="hidden" name="t">
      </body></html>"""
    found = problems(page, fragment=False)
    assert found[0] == "no lang on <html>"
    assert found[1] == "2 <h1>"
    assert "ids used twice: ['x']" in found
    assert "label for a missing id: nowhere" in found
    assert sum(item.startswith("control without a name") for item in found) == 2
    assert sum(item.startswith("image without alt") for item in found) == 1
    assert sum(item.startswith("without a name: <a") for item in found) == 1
    assert sum(item.startswith("without a name: <button") for item in found) == 1
