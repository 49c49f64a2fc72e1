"""Fixtures for the end-to-end tests: a real `smartysales serve` and headless Chromium.

The server binary comes from SMARTYSALES_BIN (scripts/test sets it to the debug build it just
made); the database from SMARTYSALES_TEST_DATABASE like the Swift suite (SQLite by default).
"""
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# The platform's LLM settings (Sources/Workers/Inbox/LLMConfigurationSource.swift): never taken
# from the caller's environment, so no test reaches a real provider and "no key" means the
# embedded classifier; a test that wants a model passes its fake's through `environment`.
LLM_VARIABLES = tuple(f"SMARTYSALES_{provider}_{name}" for provider in ("OPENAI", "ANTHROPIC", "DEEPSEEK")
                      for name in ("API_KEY", "BASE_URL", "MODEL"))


class Server:
    """One data directory; start() and stop() may be called repeatedly to test restarts, each
    start with options of its own for `serve` (none by default). `environment` is added to the
    process's (the LLM variables of a fake provider, say)."""

    def __init__(self, binary, data_dir, port, database_url, environment=None):
        self.binary, self.data_dir, self.port = binary, data_dir, port
        self.base = f"http://127.0.0.1:{port}"
        self.env = dict(os.environ)
        self.env.pop("DATABASE_URL", None)
        for name in LLM_VARIABLES:
            self.env.pop(name, None)
        if database_url:
            self.env["DATABASE_URL"] = database_url
        self.env.update(environment or {})
        self.process = None

    def start(self, *options):
        log = open(os.path.join(self.data_dir, "server.out"), "a")
        self.process = subprocess.Popen(
            [self.binary, "serve", "--port", str(self.port), "--data-dir", self.data_dir, *options],
            env=self.env, stdout=log, stderr=log)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.base + "/readyz", timeout=2) as response:
                    if response.status == 200:
                        return
            except Exception:
                if self.process.poll() is not None:
                    raise RuntimeError("server exited; see " + os.path.join(self.data_dir, "server.out"))
                time.sleep(0.3)
        raise RuntimeError("server did not become ready")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process = None


def database_url_for_test():
    configured = os.environ.get("SMARTYSALES_TEST_DATABASE", "sqlite")
    if not configured.startswith("postgres"):
        return None
    name = "browser_" + str(os.getpid())
    subprocess.run(["psql", configured, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True)
    subprocess.run(["psql", configured, "-qc", f"CREATE DATABASE {name}"], check=True)
    return configured.replace("/postgres?", f"/{name}?")


@pytest.fixture
def server_environment():
    """Extra environment for the `server` fixture's process; a test module overrides this
    fixture to point the server at a fake provider (test_inbox_pipeline.py does)."""
    return {}


@pytest.fixture
def server(server_environment):
    binary = os.environ.get("SMARTYSALES_BIN")
    assert binary and os.access(binary, os.X_OK), "set SMARTYSALES_BIN to a built smartysales binary (scripts/test does)"
    data_dir = tempfile.mkdtemp(prefix="smartysales-browser-")
    srv = Server(binary, data_dir, free_port(), database_url_for_test(), server_environment)
    srv.start()
    yield srv
    srv.stop()
    if not os.environ.get("SMARTYSALES_KEEP_E2E_DATA"):
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture
def browser():
    options = Options()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000", "--lang=ru-RU"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"intl.accept_languages": "ru-RU,ru"})
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.implicitly_wait(2)
    yield driver
    driver.quit()
