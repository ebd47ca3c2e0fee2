"""The configuration screen in a real browser: headless Chromium (Debian's `chromium`) driven by
Playwright, against the served page and the emulator. Skips, saying why, where either is missing;
`.ci/run` installs both. `UPDATE_SCREENSHOT=1` also writes the README's docs/serve.png."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from component.fixtures import FROZEN_TIME
from tests.helpers import CANARY
from tests.web.conftest import PROJECT, Served

CHROMIUM = Path("/usr/bin/chromium")

try:
    from playwright.async_api import Browser, Page, async_playwright, expect
except ImportError:  # pragma: no cover - the test extra installs it
    pytest.skip("playwright is not installed (pip install -e '.[test]')", allow_module_level=True)
if not CHROMIUM.exists():  # pragma: no cover - .ci/run installs it
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)

TIMEOUT_MS = 20_000  # generous: two cores shared by many processes


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM))
        try:
            yield browser
        finally:
            await browser.close()


@pytest.fixture
async def page(browser: Browser, served: Served) -> AsyncIterator[Page]:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    def on_console(message: Any) -> None:
        # An API call that answers an error status is the page's business (it shows it); any
        # other error (a missing file, a refused script or style) is a defect.
        if message.type == "error" and "/api/" not in message.location.get("url", ""):
            errors.append(message.text)

    page.on("console", on_console)
    await page.goto(served.url + "/")
    await expect(page.locator("body[data-ready=true]")).to_have_count(1)
    yield page
    await context.close()
    assert errors == []  # no script error and no refused resource (the CSP would log one)


async def open_handler(page: Page, kind: str, key: str) -> None:
    await page.evaluate("hash => { location.hash = hash; }", f"{kind}/{key}")
    await expect(page.locator("#handler-title")).not_to_have_text("")


async def option_values(page: Page, selector: str) -> list[str]:
    values: list[str] = await page.eval_on_selector_all(f"{selector} option", "os => os.map(o => o.value)")
    return values


async def test_create_a_source_from_the_form_then_find_it_in_the_sources_picklist(
    page: Page, served: Served, tmp_path: Path
) -> None:
    await open_handler(page, "actions", "createSource")
    await expect(page.locator("label[for=f-slug]")).to_contain_text("Slug")
    await expect(page.locator("label[for=f-slug] .required")).to_have_count(1)
    await expect(page.locator("#f-enabled")).to_be_checked()  # the schema's default
    await page.fill("#f-slug", "browser-made-source")
    # The metadata id comes from the live picklist, narrowed by a search the server runs.
    await page.fill("#f-metadataId-search", "javascript")
    metadata = page.locator("#f-metadataId option", has_text="Javascript")
    await expect(metadata).to_have_count(1)
    await page.select_option("#f-metadataId", value=await metadata.get_attribute("value"))
    await page.fill("#f-settings", '{"website": "https://browser.example"}')
    await page.click("#run")

    await expect(page.locator("#output-meta")).to_contain_text("Succeeded")
    result = json.loads(await page.inner_text("#result"))
    source = result["data"]["data"]["source"]
    assert source["slug"] == "browser-made-source"
    assert source["metadata"]["id"] == "1bow82lmk"
    assert served.emulator.state is not None
    await expect(page.locator("#example")).to_contain_text('"source"')  # the example payload beside it
    await expect(page.locator("#calls")).to_contain_text("POST /sources -> 201")
    await screenshot(page, tmp_path)

    await open_handler(page, "actions", "getSource")
    await expect(page.locator(f"#f-sourceId option[value='{source['id']}']")).to_have_count(1)
    await page.select_option("#f-sourceId", value=source["id"])
    await page.click("#run")
    await expect(page.locator("#output-meta")).to_contain_text("Succeeded")
    assert json.loads(await page.inner_text("#result"))["data"]["data"]["source"]["slug"] == "browser-made-source"


async def screenshot(page: Page, tmp_path: Path) -> None:
    shot = tmp_path / "serve.png"
    await page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 10_000
    if os.environ.get("UPDATE_SCREENSHOT") == "1":
        shutil.copyfile(shot, PROJECT / "docs" / "serve.png")


async def test_a_dependent_picklist_waits_for_its_parent_fills_and_resets(page: Page) -> None:
    await open_handler(page, "actions", "getDestinationSubscription")
    subscription = page.locator("#f-subscriptionId")
    await expect(subscription).to_be_disabled()
    await expect(page.locator("#f-subscriptionId-error ~ *, .picklist-status").first).to_be_visible()

    await expect(page.locator("#f-destinationId option[value=fP7qoQw2HTWt9WdMr718gn]")).to_have_count(1)
    await page.select_option("#f-destinationId", value="fP7qoQw2HTWt9WdMr718gn")
    await expect(subscription).to_be_enabled()
    await expect(page.locator("#f-subscriptionId option[value=iUyx2UdPSvp4uJtYAhjTup]")).to_have_count(1)
    await page.select_option("#f-subscriptionId", value="iUyx2UdPSvp4uJtYAhjTup")

    # Another destination: its own subscriptions, and the chosen one (not offered) is cleared.
    await page.select_option("#f-destinationId", value="BYd87L8DNp2RDSly8Gvnkv")
    await expect(page.locator("#f-subscriptionId option[value=PdEm9hXQ4prBtUGHft7nnz]")).to_have_count(1)
    await expect(subscription).to_have_value("")
    assert "iUyx2UdPSvp4uJtYAhjTup" not in await option_values(page, "#f-subscriptionId")

    await page.select_option("#f-destinationId", value="")
    await expect(subscription).to_be_disabled()


async def test_an_invalid_field_shows_its_message_by_the_field_and_sends_nothing(page: Page, served: Served) -> None:
    await open_handler(page, "actions", "listSources")
    await page.fill("#f-count", "5000")
    await page.click("#run")
    await expect(page.locator("#f-count-error")).to_have_text("must be at most 1000")
    await expect(page.locator("#f-count")).to_have_attribute("aria-invalid", "true")
    await expect(page.locator("#f-count")).to_be_focused()
    assert [r for r in served.emulator.requests if r.path == "/sources"] == []

    await open_handler(page, "actions", "createSource")
    await page.fill("#f-settings", "{not json")
    await page.click("#run")
    await expect(page.locator("#f-settings-error")).to_contain_text("is not valid JSON")
    await expect(page.locator("#f-slug-error")).to_have_text("is required")


async def test_a_server_input_error_shows_by_its_field(page: Page, served: Served) -> None:
    await open_handler(page, "actions", "rawRequest")
    await page.fill("#f-url", "https://elsewhere.example/sources")  # the page's schema allows any text
    await page.select_option("#f-method", value="GET")
    await page.click("#run")
    await expect(page.locator("#output-meta")).to_contain_text("InputError")
    await expect(page.locator("#f-url-error")).not_to_have_text("")
    assert served.emulator.requests == []


async def test_a_long_call_shows_progress_and_can_be_cancelled(page: Page, served: Served) -> None:
    served.emulator.faults.inject("GET", "/sources", delay=30.0)
    await open_handler(page, "actions", "listSources")
    await page.click("#run")
    await expect(page.locator("#progress")).to_contain_text("Running")
    await expect(page.locator("#cancel")).to_be_visible()
    await page.click("#cancel")
    await expect(page.locator("#progress")).to_contain_text("Cancelled")
    await expect(page.locator("#run")).to_be_enabled()


async def test_fetch_all_shows_its_pages_and_a_rate_limit_wait_while_it_runs(page: Page, served: Served) -> None:
    served.emulator.seed = 2500  # with the demo's own sources: three pages of 1000
    served.emulator.reset()
    total = len(served.emulator.state.sources)
    served.emulator.faults.inject("GET", "/sources", times=2)  # two pages go through ...
    served.emulator.faults.inject("GET", "/sources", status=429, headers={"Retry-After": "3"})  # ... the third waits
    await open_handler(page, "actions", "listSources")
    await page.check("#f-fetchAll")
    await page.click("#run")
    # While the client sits out the 429, the page shows how far it got and why it waits.
    await expect(page.locator("#progress")).to_contain_text("page 2, 2,000 items")
    await expect(page.locator("#progress")).to_contain_text("rate limited (429)")
    await expect(page.locator("#progress")).to_contain_text(re.compile(r"waiting 3\.\d s"))
    await expect(page.locator("#cancel")).to_be_visible()
    await expect(page.locator("#output-meta")).to_contain_text("Succeeded")
    shown = json.loads(await page.locator("#result").text_content() or "null")
    assert len(shown["data"]["data"]["sources"]) == total


async def test_a_long_picklist_dropdown_shows_its_pages_while_it_loads(page: Page, served: Served) -> None:
    served.emulator.seed = 2500
    served.emulator.reset()
    served.emulator.faults.inject("GET", "/sources", times=1)  # the first page goes through ...
    served.emulator.faults.inject("GET", "/sources", delay=3.0)  # ... the second is slow
    await open_handler(page, "actions", "getSource")
    status = page.locator("#f-sourceId ~ .picklist-status")
    await expect(status).to_contain_text("Loading… page 1, 1,000 items")
    await expect(status).to_contain_text(f"{len(served.emulator.state.sources)} choices")


async def test_the_keyboard_alone_finds_and_opens_a_handler(page: Page) -> None:
    await page.keyboard.press("/")
    await expect(page.locator("#handler-search")).to_be_focused()
    await page.keyboard.type("create source")
    visible: list[Any] = await page.eval_on_selector_all(
        "#handler-list li:not([hidden]) button", "bs => bs.map(b => b.dataset.key)"
    )
    assert visible == ["createSource"]
    await page.keyboard.press("Enter")
    await expect(page.locator("#handler-title")).to_have_text("Create Source")
    await expect(page.locator("#connection-status")).to_contain_text("Emulator")


async def test_a_connection_entered_in_the_page_is_masked_and_never_shown_again(page: Page, served: Served) -> None:
    await page.click("#connection-toggle")
    await expect(page.locator("#connection-panel")).to_be_visible()
    await expect(page.locator("#c-apiKey")).to_have_attribute("type", "password")
    await expect(page.locator("#c-apiKey")).to_have_value("")  # the held token is not in the page
    await page.fill("#c-apiKey", CANARY)
    await page.fill("#c-subdomain", "demo-workspace")
    await page.fill("#c-baseUrl", served.emulator.url)
    await page.click("#connection-form button[type=submit]")
    await expect(page.locator("#connection-status")).to_contain_text("entered here")
    await expect(page.locator("#connection-status")).to_contain_text("API Key: set")
    await expect(page.locator("#c-apiKey")).to_have_value("")
    assert CANARY not in await page.content()
    await page.click("#connection-test")
    await expect(page.locator("#connection-message")).to_have_text("The connection works.")
    await page.click("#connection-reset")
    await expect(page.locator("#connection-status")).to_contain_text("Emulator")


async def test_every_handler_runs_its_example_input_from_the_form(page: Page, served: Served) -> None:
    """Each form, filled with the handler's example input and sent as the page reads it back (JSON
    editors, lists, multiple selects, picklists), answers exactly the example payload."""
    manifest = json.loads((PROJECT / "manifest.json").read_text())
    differences = []
    for kind in ("actions", "dataSources"):
        for key in sorted(manifest[kind]):
            served.emulator.reset()
            served.emulator.state.clock = lambda: FROZEN_TIME
            await open_handler(page, kind, key)
            await expect(page.locator("#handler-title")).to_contain_text(manifest[kind][key]["label"])
            await expect(page.locator("#output-meta")).to_have_text("")
            await page.click("#fill-example")
            await page.click("#run")
            await expect(page.locator("#output-meta")).to_contain_text(re.compile("Succeeded|Failed"))
            await expect(page.locator("#example")).not_to_have_text("")
            result = json.loads(await page.inner_text("#result"))
            example = json.loads(await page.inner_text("#example"))
            if result != example:
                differences.append((key, await page.inner_text("#output-meta")))
    assert differences == []


async def test_a_picklist_that_cannot_load_says_why_and_takes_a_typed_id(page: Page, served: Served) -> None:
    served.emulator.faults.inject("GET", "/sources", status=403, times=None)
    await open_handler(page, "actions", "getSource")
    await expect(page.locator("#f-sourceId ~ .picklist-status")).to_contain_text("Could not load")
    await page.fill("#f-sourceId-search", "kjU72LCJexvrqL7G4TMHHN")
    await page.press("#f-sourceId-search", "Enter")
    await expect(page.locator("#f-sourceId")).to_have_value("kjU72LCJexvrqL7G4TMHHN")
    await expect(page.locator("#f-sourceId")).to_be_focused()
    served.emulator.faults.clear()
    await page.click("#run")
    await expect(page.locator("#output-meta")).to_contain_text("Succeeded")
