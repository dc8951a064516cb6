"""Answer a survey through the test client the way a person would: read each page's form
from the HTML, pick answers, post, follow the redirect. Every page is checked on the way:
it parses, has a title, has no duplicate ids, and says which page of how many it is."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from bs4 import BeautifulSoup


def check_page(html: str) -> BeautifulSoup:
    soup = BeautifulSoup(html, "html.parser")
    assert soup.title and soup.title.string.strip(), "page has no title"
    ids = Counter(tag["id"] for tag in soup.find_all(id=True))
    dupes = [i for i, n in ids.items() if n > 1]
    assert not dupes, f"duplicate ids: {dupes}"
    assert soup.html.get("lang") == "en-GB"
    return soup


@dataclass
class Walker:
    client: object
    # Answers by field name; anything else gets the default for its kind.
    answers: dict = field(default_factory=dict)
    default_choice: str = "4"
    visited: list = field(default_factory=list)
    back_links: list = field(default_factory=list)

    def form_data(self, soup: BeautifulSoup) -> dict:
        form = soup.find("form", method="post")
        data = {}
        radios: dict[str, list[str]] = {}
        for inp in form.find_all("input"):
            name, kind = inp.get("name"), inp.get("type", "text")
            if kind == "radio":
                radios.setdefault(name, []).append(inp["value"])
            elif name:
                data[name] = inp.get("value", "")
        for ta in form.find_all("textarea"):
            data[ta["name"]] = ta.text
        for name, values in radios.items():
            wanted = self.answers.get(name)
            if wanted is None:
                wanted = self.default_choice if self.default_choice in values else values[-1]
                if name == "has_code":
                    wanted = "no"
                if name == "about_you":
                    wanted = "yes"
                if name == "role":
                    wanted = "patient"
                if name in ("from_service", "service"):
                    wanted = values[0]
                if name == "to_service":
                    wanted = values[-1]
            data[name] = wanted
        for name, value in self.answers.items():
            if name not in radios:
                data[name] = value
        return data

    def step(self, url: str):
        page = self.client.get(url)
        assert page.status_code == 200, (url, page.status_code)
        soup = check_page(page.get_data(as_text=True))
        self.visited.append(url)
        back = soup.find("a", class_="nhsuk-back-link")
        self.back_links.append(back["href"] if back else None)
        posted = self.client.post(url, data=self.form_data(soup))
        assert posted.status_code == 302, (
            url,
            posted.status_code,
            posted.get_data(as_text=True)[:3000],
        )
        return posted.headers["Location"]

    def complete(self, survey_url: str, max_pages: int = 60) -> str:
        """Start at the survey's start page; answer until the confirmation page; return its URL."""
        url = self.step(survey_url)
        for _ in range(max_pages):
            if url.endswith("/done"):
                return url
            url = self.step(url)
        raise AssertionError(f"survey did not finish within {max_pages} pages: {self.visited[-3:]}")


def start(client, slug: str, code: str | None = None):
    """Press "Start now" on a survey's start page: post the token the page issued."""
    url = f"/s/{slug}" + (f"?code={code}" if code else "")
    soup = check_page(client.get(url).get_data(as_text=True))
    token = soup.find("input", attrs={"name": "start_token"})["value"]
    return client.post(f"/s/{slug}", data={"start_token": token}), token
