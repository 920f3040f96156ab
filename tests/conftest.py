"""Shared fixtures: real SQLite workspaces in tmp dirs, the seeds and evaluation data in ../shared."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from storyline.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "examples" / "flynn-kislyak"
DATA = SHARED / "data"
DEMO = ROOT / "examples" / "demo"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Default settings writing to a fresh workspace file in tmp_path."""
    return Settings(db=str(tmp_path / "story.db"))


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run the real `storyline` command in a subprocess (as a user would)."""
    return subprocess.run(
        [sys.executable, "-m", "storyline.cli", *args], capture_output=True, text=True, cwd=cwd, timeout=timeout,
        env={**os.environ, "COLUMNS": "200"},
    )


@pytest.fixture(scope="session")
def seeds_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The five flynn-kislyak seed articles built once into a workspace (read-only for tests)."""
    from storyline.pipeline import build

    path = tmp_path_factory.mktemp("seeds") / "seeds.db"
    build([str(SEEDS)], Settings(db=str(path)))
    return path


# -- the browser tests (test_web_*): real headless Chromium from Debian, driven by Playwright --------------

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium for one test module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield b
        b.close()


class Watch:
    """What a page did that it must not: dialogs, script errors, requests to other hosts."""

    def __init__(self, page, base: str) -> None:
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.foreign: list[str] = []
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", lambda r: None if r.url.startswith(base) or r.url.startswith("data:") else self.foreign.append(r.url))


@pytest.fixture
def page(browser, server):
    """A fresh page on the module's ``server``; fails the test if the page opened a dialog, threw, or asked another host."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.watch = Watch(pg, server.url)
    yield pg
    assert pg.watch.dialogs == [] and pg.watch.errors == [] and pg.watch.foreign == []
    context.close()

