"""The stage for the console's browser test and benchmarks: a real recorded shift, its demo accounts, the real
bodycam-console on 127.0.0.1 and headless Chromium driven through Selenium.

Guarantees: every step either does what it says or raises StageError naming the step and the object (a missing
chromedriver, selenium module or program is an error, never a skip); every wait is bounded; the console process
and the browser are stopped by close() whatever happened before. Only Debian's python3-selenium, chromium and
chromium-driver are used (scripts/install-deps); nothing is fetched from the network.
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM = "/usr/bin/chromium"
# Roles of the demo accounts scripts/demo-console makes; the officer is the first camera's.
DEMO_PEOPLE = {"clerk": "clerk-demo", "supervisor": "supervisor-demo", "auditor": "auditor-demo",
               "admin": "admin-demo"}


class StageError(RuntimeError):
    pass


def log(text):
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def run(argv, what, ok_codes=(0,), timeout=600, env=None):
    """Runs argv (a vector, never a shell line); raises StageError unless its exit code is in ok_codes."""
    started = time.monotonic()
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired as e:
        raise StageError(f"{what}: no exit within {timeout} s") from e
    except OSError as e:
        raise StageError(f"{what}: cannot start {argv[0]}: {e}") from e
    log(f"{what}: exit {done.returncode} after {time.monotonic() - started:.1f} s")
    if done.returncode not in ok_codes:
        raise StageError(f"{what}: exit {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done


def free_loopback_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, process, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise StageError(f"start bodycam-console: it exited with {process.returncode} before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise StageError(f"start bodycam-console: nothing listens on 127.0.0.1:{port} after {seconds} s")


def require_browser_tools():
    """The test's tools must be there: a missing one is a failure with the package to install."""
    missing = []
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append(f"python module selenium for {sys.executable} (Debian package python3-selenium)")
    for path, package in ((CHROMEDRIVER, "chromium-driver"), (CHROMIUM, "chromium")):
        if not os.access(path, os.X_OK):
            missing.append(f"{path} (Debian package {package})")
    if missing:
        raise StageError("browser tools missing (scripts/install-deps installs them): " + "; ".join(missing))


class console_stage:
    """A shift recorded by `bodycam simulate`, scripts/demo-console's accounts, and the console serving it."""

    def __init__(self, source_dir, bin_dir, work_dir):
        self.source_dir = Path(source_dir)
        self.bin_dir = Path(bin_dir)
        self.work_dir = Path(work_dir)
        self.shift = self.work_dir / "shift"
        self.process = None
        self.port = None
        self.passwords = {}
        self.officer = None
        for program in ("bodycam", "bodycam-recorder", "bodycam-dockd", "bodycam-console"):
            if not os.access(self.bin_dir / program, os.X_OK):
                raise StageError(f"program {self.bin_dir / program} is missing: build it first")

    def record_shift(self, cameras=2, minutes=1, segment_seconds=15, resolution="320x240", fps=15):
        """Runs the simulated shift (real recorders, dock, store); the audit must find it authentic (0 or 1)."""
        argv = [str(self.bin_dir / "bodycam"), "simulate", "--out", str(self.shift), "--cameras", str(cameras),
                "--minutes", str(minutes), "--segment-seconds", str(segment_seconds), "--resolution", resolution,
                "--fps", str(fps)]
        run(argv, f"bodycam simulate into {self.shift}", ok_codes=(0, 1), timeout=600)

    def copy_shift(self, recorded):
        """A shift recorded before (bodycam simulate's --out), copied so this run changes nothing there."""
        run(["/bin/cp", "-a", str(recorded), str(self.shift)], f"copy the recorded shift {recorded}")

    def make_accounts(self):
        """scripts/demo-console: one account per role with a password made for this run, console.toml."""
        self.port = free_loopback_port()
        env = dict(os.environ, BODYCAM_BIN=str(self.bin_dir))
        run([str(self.source_dir / "scripts" / "demo-console"), str(self.shift), str(self.port)],
            f"scripts/demo-console {self.shift}", env=env, timeout=300)
        passwords = self.shift / "console" / "passwords"
        for f in sorted(passwords.iterdir()):
            self.passwords[f.name] = f.read_text().rstrip("\n")
        officers = [p for p in self.passwords if p not in DEMO_PEOPLE.values()]
        if len(officers) != 1:
            raise StageError(f"demo accounts in {passwords}: expected one officer besides {DEMO_PEOPLE}, got {officers}")
        self.officer = officers[0]

    def person(self, role):
        return self.officer if role == "officer" else DEMO_PEOPLE[role]

    def start_console(self, seconds=30):
        config = self.shift / "console" / "console.toml"
        self.console_log = open(self.work_dir / "console.log", "wb")
        self.process = subprocess.Popen([str(self.bin_dir / "bodycam-console"), "--config", str(config)],
                                        stdout=self.console_log, stderr=subprocess.STDOUT)
        wait_for_port(self.port, self.process, seconds)
        log(f"bodycam-console (pid {self.process.pid}) listens on {self.base_url()}")

    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def stop_console(self):
        """SIGTERM, then the exit code; raises if it does not stop cleanly within 20 s."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise StageError("stop bodycam-console: still running 20 s after SIGTERM (killed)")
        self.console_log.close()
        if code != 0:
            raise StageError(f"stop bodycam-console: exit {code} after SIGTERM (see {self.work_dir / 'console.log'})")

    def close(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def http_login(base_url, person, password):
    """Logs in over plain HTTP (no browser); returns the session cookie's `name=value`."""
    body = urllib.parse.urlencode({"person": person, "password": password}).encode()

    class no_redirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(no_redirect)
    try:
        reply = opener.open(urllib.request.Request(base_url + "/login", data=body, method="POST"), timeout=30)
        headers = reply.headers
    except urllib.error.HTTPError as e:
        if e.code != 303:
            raise StageError(f"log in {person} over HTTP: status {e.code}") from e
        headers = e.headers
    for value in headers.get_all("Set-Cookie") or []:
        if value.startswith("bodycam_session="):
            return value.split(";", 1)[0]
    raise StageError(f"log in {person} over HTTP: no session cookie in the answer")


def new_browser(download_dir, profile_dir, window=(1280, 1000)):
    """Headless Chromium with a fresh profile; downloads go to download_dir without asking."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync",
                 "--autoplay-policy=no-user-gesture-required", f"--user-data-dir={profile_dir}",
                 f"--window-size={window[0]},{window[1]}"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {
        "download.default_directory": str(download_dir), "download.prompt_for_download": False,
        "download.directory_upgrade": True, "safebrowsing.enabled": False})
    service = Service(executable_path=CHROMEDRIVER, log_path=str(Path(profile_dir).parent / "chromedriver.log"))
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(60)
    # Headless Chromium only saves downloads where DevTools says.
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(download_dir)})
    return driver


def make_work_dir(prefix):
    return Path(tempfile.mkdtemp(prefix=prefix))


def remove_work_dir(path):
    shutil.rmtree(path, ignore_errors=True)
