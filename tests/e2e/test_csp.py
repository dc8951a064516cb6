"""The Content-Security-Policy holds in a real browser and breaks nothing.

No page triggers a CSP violation, and the NHS.UK JavaScript still runs: its one inline
line (which carries the nonce) and the module from our own origin.
"""

from __future__ import annotations

PAGES = ["/", "/s/lh-leaving-hospital", "/resume", "/staff/sign-in", "/pathway/leaving-hospital"]


def test_pages_load_with_no_csp_violation_and_scripts_still_run(new_context):
    page = new_context().new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    for path in PAGES:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        classes = page.evaluate("() => document.body.className")
        assert "js-enabled" in classes, f"{path}: the nonce'd inline script did not run"
        assert "nhsuk-frontend-supported" in classes, path
    assert not violations, violations


def test_an_injected_inline_script_is_blocked(new_context):
    """The policy really is enforced: a script without the nonce does not run."""
    page = new_context().new_page()
    page.goto("/")
    blocked = page.evaluate(
        """() => new Promise(resolve => {
            document.addEventListener('securitypolicyviolation', () => resolve(true));
            const s = document.createElement('script');
            s.textContent = 'window.__ran = true';
            document.body.appendChild(s);
            setTimeout(() => resolve(false), 1000);
        })"""
    )
    assert blocked is True
    assert page.evaluate("() => window.__ran === true") is False
