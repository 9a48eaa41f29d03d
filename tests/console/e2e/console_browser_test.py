#!/usr/bin/python3
"""The console end to end in a real browser ([e2e], ctest entry bodycam_console_browser.e2e).

A simulated shift (`bodycam simulate`: real recorders, a dock, the store) with at least three segments in one
session, scripts/demo-console's account per role, the real bodycam-console on 127.0.0.1 (plain HTTP, loopback)
and headless Chromium through Selenium. It checks what each role sees (officer: own sessions only; admin: no
footage), plays a whole session through the playback page's Media Source script (playback passes the first
segment's end, a seek lands in the third, the last frame is reached), and runs the two-person export: a clerk
requests, cannot approve, a supervisor approves, the clerk downloads the tar and `bodycam verify` accepts it; and
the two-person hold release: the clerk places a hold on the session page and requests its release, the supervisor
approves it on Approvals, the clerk carries it out on Expiry and the session page shows no hold.
The auditor then finds each step in the access register. A screenshot of every page is kept in OUT/screenshots.
It fails, never skips, when chromium, chromedriver or python3-selenium is missing.

  console_browser_test.py --source SOURCE_DIR --bin BUILD/bin --out OUTPUT_DIR [--keep] [--recorded-shift DIR]
"""
import argparse
import re
import sys
import tarfile
import time
import traceback
import urllib.request
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
import console_stage as stage_lib  # noqa: E402
from console_stage import log  # noqa: E402

WAIT_PAGE = 30
WAIT_PLAYBACK = 120
REFERENCE = "CASE-E2E-0001"
HOLD_CASE = "CASE-E2E-HOLD-0002"


class browser_test:
    def __init__(self, driver, stage, out_dir):
        self.d = driver
        self.stage = stage
        self.base = stage.base_url()
        self.shots = out_dir / "screenshots"
        self.shot_count = 0
        self.checks = 0

    # ---- small tools ---------------------------------------------------------------------------------------
    def check(self, condition, what):
        self.checks += 1
        if not condition:
            self.shot("FAILED")
            raise AssertionError(what)

    def wait(self, condition, seconds, what):
        from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
        from selenium.webdriver.support.ui import WebDriverWait
        try:
            return WebDriverWait(self.d, seconds, poll_frequency=0.1,
                                 ignored_exceptions=(StaleElementReferenceException,)).until(lambda d: condition())
        except TimeoutException as e:
            self.shot("TIMEOUT")
            raise AssertionError(f"{what}: not within {seconds} s") from e

    def shot(self, name):
        self.shot_count += 1
        path = self.shots / f"{self.shot_count:02d}-{re.sub('[^A-Za-z0-9_.-]+', '-', name)}.png"
        self.d.save_screenshot(str(path))

    def js(self, script, *args):
        return self.d.execute_script(script, *args)

    def open(self, path, shot_name):
        self.d.get(self.base + path)
        self.wait(lambda: self.js("return document.readyState") == "complete", WAIT_PAGE, f"load {path}")
        self.shot(shot_name)
        return self.h1()

    def h1(self):
        # Read in one script, so a page replaced by navigation in between cannot leave a stale element.
        return self.js("const h = document.querySelector('h1'); return h ? h.textContent : '';")

    def links(self):
        from selenium.webdriver.common.by import By
        return {a.text: a.get_attribute("href") for a in self.d.find_elements(By.TAG_NAME, "a")}

    def status_of(self, path):
        """The HTTP status of a GET in this browser session (fetch with its cookie)."""
        return self.d.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "fetch(arguments[0], {credentials: 'same-origin'}).then(r => done(r.status), e => done(-1));", path)

    def login(self, role):
        from selenium.webdriver.common.by import By
        person = self.stage.person(role)
        self.d.delete_all_cookies()
        self.open("/login", f"{role}-login")
        self.d.find_element(By.NAME, "person").send_keys(person)
        self.d.find_element(By.NAME, "password").send_keys(self.stage.passwords[person])
        self.d.find_element(By.CSS_SELECTOR, "form.login button[type=submit]").click()
        self.wait(lambda: self.d.find_elements(By.CSS_SELECTOR, "header .who"), WAIT_PAGE, f"log in as {person}")
        who = self.d.find_element(By.CSS_SELECTOR, "header .who").text
        self.check(who.startswith(person + " (") and role in who, f"logged in as {person} ({role}), header says {who!r}")
        self.shot(f"{role}-home")
        log(f"logged in as {who}")
        return person

    def logout(self, role):
        from selenium.webdriver.common.by import By
        self.d.find_element(By.CSS_SELECTOR, "form.logout button").click()
        self.wait(lambda: self.h1() == "Log in", WAIT_PAGE, f"log out {role}")
        self.check(self.d.get_cookie("bodycam_session") is None or
                   self.d.get_cookie("bodycam_session")["value"] == "", f"{role}'s cookie is gone after logout")

    def session_rows(self):
        """The session list as shown: device, officer, segments, link."""
        from selenium.webdriver.common.by import By
        rows = []
        for tr in self.d.find_elements(By.CSS_SELECTOR, "table.sessions tbody tr"):
            cells = tr.find_elements(By.TAG_NAME, "td")
            link = cells[5].find_element(By.TAG_NAME, "a").get_attribute("href")
            rows.append({"device": cells[0].text, "officer": cells[1].text, "segments": int(cells[4].text),
                         "path": link[len(self.base):]})
        return rows

    def segment_seqs(self):
        """The Seq column of the session page's segment table, in order."""
        from selenium.webdriver.common.by import By
        tables = self.d.find_elements(By.CSS_SELECTOR, "main table")
        return [int(tr.find_elements(By.TAG_NAME, "td")[0].text) for tr in tables[0].find_elements(By.CSS_SELECTOR, "tbody tr")]

    def request_rows(self):
        """The requests table as shown, read in one script (safe while a form submission navigates)."""
        return self.js(
            "return Array.from(document.querySelectorAll('table.requests.exports tbody tr')).map(tr => {"
            " const c = tr.querySelectorAll('td');"
            " return {name: c[0].textContent.replace(/^access\\//, ''), by: c[1].textContent,"
            " reference: c[4].textContent, state: c[5].textContent}; });")

    def retention_rows(self):
        """The retention requests table as shown (on Expiry or Approvals)."""
        return self.js(
            "return Array.from(document.querySelectorAll('table.requests.retention tbody tr'))"
            ".filter(tr => tr.querySelectorAll('td').length > 1).map(tr => {"
            " const c = tr.querySelectorAll('td');"
            " return {name: c[0].textContent.replace(/^retention\\//, ''), kind: c[1].textContent,"
            " by: c[2].textContent, reference: c[5].textContent, state: c[6].textContent}; });")

    def hold_rows(self):
        """The session page's holds: name, reason, reference."""
        return self.js(
            "return Array.from(document.querySelectorAll('table.holds tbody tr')).map(tr => {"
            " const c = tr.querySelectorAll('td');"
            " return {name: c[0].textContent.replace(/^retention\\//, ''), reason: c[1].textContent,"
            " reference: c[5].textContent}; });")

    # ---- the steps -----------------------------------------------------------------------------------------
    def clerk_sees_every_session(self):
        self.login("clerk")
        self.check("Sessions" in self.links(), "the clerk's home links the session list")
        self.check(self.open("/sessions", "clerk-sessions") == "Sessions", "the clerk opens the session list")
        rows = self.session_rows()
        devices = {r["device"] for r in rows}
        self.check(devices >= {"cam-0001", "cam-0002"}, f"the clerk sees both cameras' sessions, got {devices}")
        own = [r for r in rows if r["officer"] == self.stage.officer]
        others = [r for r in rows if r["officer"] != self.stage.officer]
        self.check(own and others, f"sessions of {self.stage.officer} and of others are listed: {rows}")
        self.target = max(own, key=lambda r: r["segments"])
        self.check(self.target["segments"] >= 3, f"a session with at least three segments: {self.target}")
        self.other = others[0]
        self.all_rows = rows
        log(f"target session {self.target['path']} ({self.target['segments']} segments); other {self.other['path']}")

    def search_rows(self):
        """The search page's results: device, officer, case, place and the session's path."""
        return self.js(
            "return Array.from(document.querySelectorAll('table.sessions tbody tr')).map(tr => {"
            " const c = tr.querySelectorAll('td');"
            " return {device: c[0].textContent, officer: c[1].textContent, category: c[5].textContent,"
            " case_number: c[6].textContent, place: c[7].textContent,"
            " path: new URL(c[9].querySelector('a').href).pathname}; });")

    def search(self, shot, **fields):
        """Fills the search form with `fields` (the rest empty), submits it and returns the rows."""
        from selenium.webdriver.common.by import By
        self.open("/search", shot + "-form")
        for name in ("officer", "device", "unit", "from", "to", "category", "case", "place", "party", "text"):
            box = self.d.find_element(By.CSS_SELECTOR, f"form.filters input[name={name}]")
            box.clear()
            if name in fields:
                box.send_keys(fields[name])
        self.d.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]").click()
        self.wait(lambda: "/search?" in self.d.current_url, WAIT_PAGE, "the search answers")
        self.shot(shot)
        return self.search_rows()

    # The clerk searches the catalogue (after step_add_note, so the note's fields are searchable): by case
    # number, by a word of the note, by camera; a match is listed and a non-match is not.
    def step_search(self):
        by_case = self.search("search-by-case", case=self.note["case"])
        self.check([r["path"] for r in by_case] == [self.target["path"]],
                   f"the search by case {self.note['case']} finds exactly the noted session: {by_case}")
        self.check(by_case and by_case[0]["place"] == self.note["place"], "the result shows the noted place")
        by_word = self.search("search-by-word", text="keys")
        self.check([r["path"] for r in by_word] == [self.target["path"]],
                   f"the search for a word of the note finds exactly the noted session: {by_word}")
        none = self.search("search-no-match", case="NO-SUCH-CASE")
        self.check(none == [], f"a case number nobody noted finds nothing: {none}")
        by_device = self.search("search-by-device", device=self.other["device"])
        self.check(by_device and all(r["device"] == self.other["device"] for r in by_device),
                   f"the search by {self.other['device']} lists only its sessions: {by_device}")
        self.check(self.target["path"] not in [r["path"] for r in by_device], "the search leaves other cameras out")

    # The clerk adds a note (place, party, case, category, text) on the session page: the note is shown with its
    # history, and the session's segments are unchanged.
    def step_add_note(self):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import Select
        title = self.open(self.target["path"], "note-session-page")
        self.check(title.startswith("Session "), f"the session page opens for a note, got {title!r}")
        before = self.segment_seqs()
        self.check(len(before) == self.target["segments"], "the page lists every segment")
        self.note = {"place": "Rue de la Gare 4", "party": "Shop owner", "case": "CASE-E2E-7",
                     "text": "The suspect handed over the keys."}
        form = self.d.find_element(By.CSS_SELECTOR, "form.note")
        form.find_element(By.NAME, "place").send_keys(self.note["place"])
        form.find_element(By.NAME, "party").send_keys(self.note["party"])
        form.find_element(By.NAME, "case").send_keys(self.note["case"])
        Select(form.find_element(By.NAME, "category")).select_by_value("evidence")
        form.find_element(By.NAME, "text").send_keys(self.note["text"])
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        self.wait(lambda: self.js("return document.querySelectorAll('table.note-history tbody tr').length") >= 5,
                  WAIT_PAGE, "the note's history shows its fields")
        self.shot("note-added")
        facts = self.js("const h = Array.from(document.querySelectorAll('h2')).find(e => e.textContent === 'Case notes');"
                        "let dl = h ? h.nextElementSibling : null; while (dl && dl.tagName !== 'DL') dl = dl.nextElementSibling;"
                        "return dl ? Object.fromEntries(Array.from(dl.querySelectorAll('dt'))"
                        ".map(dt => [dt.textContent, dt.nextElementSibling.textContent])) : {};")
        log(f"the session's notes now: {facts}")
        for value in (self.note["place"], self.note["party"], self.note["case"], "evidence", self.note["text"]):
            self.check(value in facts.values(), f"the session page shows the noted {value!r}: {facts}")
        history = self.js("return Array.from(document.querySelectorAll('table.note-history tbody tr'))"
                          ".map(tr => tr.querySelectorAll('td')[1].textContent);")
        self.check(history and all(who == self.stage.person("clerk") for who in history),
                   f"every history row names the clerk who noted: {history}")
        self.check(self.segment_seqs() == before, "the note changed none of the session's segments")

    def play_whole_session(self):
        title = self.open(self.target["path"], "clerk-session-page")
        self.check(title == "Session " + self.target["path"].rsplit("/", 1)[1][:8], f"the session page, got {title!r}")
        seqs = self.segment_seqs()
        self.check(len(seqs) == self.target["segments"], f"the session page lists {self.target['segments']} segments")
        self.seqs = seqs
        durations = [self.segment_duration(seq) for seq in seqs]
        log(f"the segments last {[round(d, 3) for d in durations]} s, {sum(durations):.3f} s in all")
        first_end, third_start = durations[0], durations[0] + durations[1]

        self.open(self.target["path"] + "/play", "clerk-playback-loading")
        n = len(seqs)
        loaded = f"All {n} segment(s) loaded."
        self.wait(lambda: self.js("return document.getElementById('player-status').textContent") in
                  (loaded,) or self.js("return document.getElementById('player-status').textContent").startswith(
                      "Playback stopped"), WAIT_PLAYBACK, "the playback page loads every segment")
        status = self.js("return document.getElementById('player-status').textContent")
        self.shot("clerk-playback-loaded")
        self.check(status == loaded, f"the playback script loaded every segment: {status!r}")
        facts = self.js("const v = document.getElementById('player'); const b = v.buffered;"
                        "return {ranges: b.length, start: b.length ? b.start(0) : -1, end: b.length ? b.end(0) : -1,"
                        " duration: v.duration, error: v.error ? v.error.code : null};")
        log(f"media element: {facts}")
        self.check(facts["error"] is None, f"no media error: {facts}")
        self.check(facts["ranges"] == 1 and facts["start"] < 0.5,
                   f"the session is one contiguous buffered range from the start: {facts}")
        self.check(abs(facts["end"] - sum(durations)) < 0.5,
                   f"the buffer holds every segment: ends at {facts['end']} s, the segments add up to {sum(durations)} s")

        # Across the first segment's end in real playback (a gap or a broken segment would stall here).
        self.seek(first_end - 1.5)
        self.js("const v = document.getElementById('player'); v.muted = true; v.play();")
        self.wait(lambda: self.js("return document.getElementById('player').currentTime") > first_end + 1.0,
                  WAIT_PAGE, f"playback passes the first segment's end at {first_end:.2f} s")
        self.shot("clerk-playback-second-segment")
        self.check(self.js("return document.getElementById('player').videoWidth") > 0, "frames were decoded")

        # A seek into the third segment, then frames from there.
        target = third_start + min(durations[2] / 2, 3.0)
        self.seek(target)
        at = self.js("return document.getElementById('player').currentTime")
        self.check(third_start < at < third_start + durations[2], f"the seek lands in the third segment: {at} s")
        self.wait(lambda: self.js("return document.getElementById('player').currentTime") > target + 1.0,
                  WAIT_PAGE, "playback goes on in the third segment")
        self.shot("clerk-playback-third-segment")

        # The whole session: the end of the last segment is reached.
        self.seek(facts["end"] - 1.5)
        self.wait(lambda: self.js("return document.getElementById('player').ended"), WAIT_PAGE,
                  "playback reaches the end of the session")
        self.shot("clerk-playback-ended")

    def seek(self, seconds):
        self.d.execute_async_script(
            "const v = document.getElementById('player'), done = arguments[arguments.length - 1];"
            "v.addEventListener('seeked', () => done(true), {once: true}); v.currentTime = arguments[0];", seconds)
        self.wait(lambda: self.js("return document.getElementById('player').readyState") >= 2, WAIT_PAGE,
                  f"a frame at {seconds:.2f} s")

    def segment_duration(self, seq):
        """A segment's length on the media timeline (earliest packet start to latest packet end over all its
        tracks, which is what the player's sequence mode lines up), by ffprobe on the bytes the console serves
        (a download, registered as such)."""
        cookie = self.d.get_cookie("bodycam_session")
        self.check(cookie is not None, "the browser holds the session cookie")
        request = urllib.request.Request(f"{self.base}{self.target['path']}/files/{seq}",
                                         headers={"Cookie": f"bodycam_session={cookie['value']}"})
        with urllib.request.urlopen(request, timeout=60) as reply:
            data = reply.read()
        path = self.stage.work_dir / f"segment-{seq}.mp4"
        path.write_bytes(data)
        probe = stage_lib.run(["/usr/bin/ffprobe", "-v", "error", "-show_entries", "packet=pts_time,duration_time",
                               "-of", "csv=p=0", str(path)], f"ffprobe segment {seq}")
        starts, ends = [], []
        for line in probe.stdout.split():
            pts, duration = line.split(",")[:2]
            if "N/A" in (pts, duration):
                continue
            starts.append(float(pts))
            ends.append(float(pts) + float(duration))
        self.check(len(starts) > 10, f"segment {seq} has packets ({len(starts)})")
        return max(ends) - min(starts)

    def clerk_requests_export(self):
        from selenium.webdriver.common.by import By
        self.open(self.target["path"], "clerk-session-before-request")
        self.d.find_element(By.CSS_SELECTOR, "form.export-request input[name=reference]").send_keys(REFERENCE)
        self.d.find_element(By.CSS_SELECTOR, "form.export-request button[type=submit]").click()
        self.wait(lambda: self.h1() == "My export requests", WAIT_PAGE, "the request lands on My export requests")
        self.shot("clerk-export-requested")
        mine = [r for r in self.request_rows() if r["reference"] == REFERENCE]
        self.check(len(mine) == 1 and mine[0]["state"] == "pending", f"one pending request {REFERENCE}: {mine}")
        self.request = mine[0]["name"]
        self.check(self.request.startswith("clerk-demo."), f"the request is the clerk's entry: {self.request}")
        log(f"export request access/{self.request}")

    def clerk_cannot_approve(self):
        self.check(self.status_of("/approvals") == 403, "the clerk may not open Approvals")
        self.check(self.open("/approvals", "clerk-approvals-refused").startswith("403"), "Approvals shows 403")
        self.open("/exports", "clerk-exports-pending")
        csrf = self.js("return document.querySelector('form.logout input[name=csrf]').value")
        status = self.d.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "fetch('/approvals/' + arguments[0], {method: 'POST', credentials: 'same-origin', headers:"
            " {'Content-Type': 'application/x-www-form-urlencoded'}, body: 'decision=approve&csrf=' + arguments[1]})"
            ".then(r => done(r.status), e => done(-1));", self.request, csrf)
        self.check(status == 403, f"the clerk's own approval is refused with 403, got {status}")
        self.open("/exports", "clerk-still-pending")
        state = [r["state"] for r in self.request_rows() if r["name"] == self.request]
        self.check(state == ["pending"], f"the request is still pending after the clerk's attempt: {state}")
        self.check(self.status_of(f"/exports/{self.request}/bundle.tar") == 409, "no bundle before approval")

    def clerk_holds_and_requests_release(self):
        """A clerk places a hold on the session page and asks for its release; the expiry page shows the dry run."""
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import Select
        self.open(self.target["path"], "clerk-session-before-hold")
        Select(self.d.find_element(By.CSS_SELECTOR, "form.hold-place select[name=reason]")).select_by_value("evidence")
        self.d.find_element(By.CSS_SELECTOR, "form.hold-place input[name=reference]").send_keys(HOLD_CASE)
        self.d.find_element(By.CSS_SELECTOR, "form.hold-place button[type=submit]").click()
        self.wait(lambda: any(h["reference"] == HOLD_CASE for h in self.hold_rows()), WAIT_PAGE,
                  "the hold is listed on the session page")
        self.shot("clerk-hold-placed")
        holds = [h for h in self.hold_rows() if h["reference"] == HOLD_CASE]
        self.check(len(holds) == 1 and "evidence" in holds[0]["reason"], f"one evidence hold: {holds}")
        self.hold = holds[0]["name"]
        self.check(self.hold.startswith("clerk-demo."), f"the hold is the clerk's entry: {self.hold}")
        self.d.find_element(By.CSS_SELECTOR, "form.release-request input[name=reference]").send_keys("case closed")
        self.d.find_element(By.CSS_SELECTOR, "form.release-request button[type=submit]").click()
        self.wait(lambda: self.h1() == "Expiry", WAIT_PAGE, "the release request lands on Expiry")
        self.shot("clerk-release-requested")
        mine = [r for r in self.retention_rows() if r["kind"] == "hold release"]
        self.check(len(mine) == 1 and mine[0]["state"] == "pending", f"one pending release request: {mine}")
        self.release = mine[0]["name"]
        self.check(not self.d.find_elements(By.CSS_SELECTOR, "form.execute"), "nothing to carry out before approval")
        self.check(self.status_of("/approvals") == 403, "the clerk may not decide on it")

    def officer_sees_own_only(self):
        self.login("officer")
        self.open("/sessions", "officer-sessions")
        rows = self.session_rows()
        self.check(rows and all(r["officer"] == self.stage.officer for r in rows),
                   f"the officer's list holds only their own sessions: {rows}")
        self.check(self.target["path"] in [r["path"] for r in rows], "the officer's own session is listed")
        self.check(len(rows) < len(self.all_rows), "the officer sees fewer sessions than the clerk")
        self.check(self.open(self.other["path"], "officer-other-session-refused").startswith("403"),
                   "another officer's session page is refused")
        self.check(self.status_of(self.other["path"] + "/play") == 403, "another officer's playback is refused")
        self.check(self.open(self.target["path"], "officer-own-session").startswith("Session "),
                   "the officer opens their own session")
        self.check("/exports/request" not in self.d.page_source, "an officer sees no export request form")
        self.logout("officer")

    def admin_sees_no_footage(self):
        self.login("admin")
        self.check("Sessions" not in self.links(), "the admin's home has no session list")
        self.check("Enrollment register" in self.links(), "the admin's home links the enrollment register")
        self.check(self.open("/sessions", "admin-sessions-refused").startswith("403"), "the admin gets no list")
        for path in (self.target["path"], self.target["path"] + "/play",
                     f"{self.target['path']}/files/{self.seqs[0]}"):
            self.check(self.status_of(path) == 403, f"the admin gets no footage at {path}")
        self.check(self.open("/enrollment", "admin-enrollment") == "Enrollment register", "the admin's register")
        self.check(self.stage.officer in self.d.page_source, "the enrollment register lists the officer")
        self.logout("admin")

    def supervisor_approves(self):
        from selenium.webdriver.common.by import By
        self.login("supervisor")
        self.open("/sessions", "supervisor-sessions")
        self.check(len(self.session_rows()) == len(self.all_rows), "the supervisor sees every session")
        self.open("/approvals", "supervisor-approvals")
        row = [r for r in self.request_rows() if r["name"] == self.request]
        self.check(len(row) == 1 and row[0]["state"] == "pending", f"the request waits for approval: {row}")
        self.d.find_element(By.XPATH, f"//form[@action='/approvals/{self.request}']"
                                      "[input[@name='decision' and @value='approve']]/button").click()
        self.wait(lambda: self.h1() == "Approvals" and any(
            r["name"] == self.request and r["state"].startswith("approved") for r in self.request_rows()),
            WAIT_PAGE, "the approval is shown")
        self.shot("supervisor-approved")
        state = [r["state"] for r in self.request_rows() if r["name"] == self.request]
        self.check(state == ["approved by supervisor-demo"], f"approved by the supervisor: {state}")
        row = [r for r in self.retention_rows() if r["name"] == self.release]
        self.check(len(row) == 1 and row[0]["state"] == "pending", f"the hold release waits for approval: {row}")
        self.d.find_element(By.XPATH, f"//form[@action='/retention/requests/{self.release}']"
                                      "[input[@name='decision' and @value='approve']]/button").click()
        self.wait(lambda: self.h1() == "Approvals" and any(
            r["name"] == self.release and r["state"].startswith("approved") for r in self.retention_rows()),
            WAIT_PAGE, "the release approval is shown")
        self.shot("supervisor-release-approved")
        self.logout("supervisor")

    def clerk_releases_hold(self):
        """The requester carries out the approved release; the session page shows no hold."""
        from selenium.webdriver.common.by import By
        self.login("clerk")
        self.open("/expiry", "clerk-expiry-approved")
        self.d.find_element(By.XPATH, f"//form[@action='/retention/requests/{self.release}/execute']/button").click()
        self.wait(lambda: self.h1() == "Expiry" and any(
            r["name"] == self.release and r["state"].startswith("carried out") for r in self.retention_rows()),
            WAIT_PAGE, "the release is carried out")
        self.shot("clerk-hold-released")
        self.open(self.target["path"], "clerk-session-after-release")
        self.check("No hold covers this session" in self.d.page_source, "the session has no hold after the release")
        self.logout("clerk")

    def clerk_downloads_and_verifies(self, download_dir):
        from selenium.webdriver.common.by import By
        self.login("clerk")
        self.open("/exports", "clerk-exports-approved")
        self.d.find_element(By.LINK_TEXT, "Download bundle").click()
        name = f"bundle-{self.request}.tar"
        target = download_dir / name
        self.wait(lambda: target.exists() and not list(download_dir.glob("*.crdownload")), 120,
                  f"the browser saves {name}")
        self.shot("clerk-bundle-downloaded")
        log(f"downloaded {target} ({target.stat().st_size} bytes)")
        self.check(tarfile.is_tarfile(target), f"{name} is a tar archive")
        into = self.stage.work_dir / "extracted"
        into.mkdir()
        stage_lib.run(["/bin/tar", "-xf", str(target), "-C", str(into)], f"tar -xf {name}")
        bundles = list(into.iterdir())
        self.check(len(bundles) == 1 and bundles[0].name == f"bundle-{self.request}", f"one bundle: {bundles}")
        verify = stage_lib.run([str(self.stage.bin_dir / "bodycam"), "verify", str(bundles[0])],
                               f"bodycam verify {bundles[0].name}", ok_codes=(0, 1, 2, 3))
        print(verify.stdout[-2000:])
        self.check(verify.returncode in (0, 1), f"bodycam verify accepts the bundle (exit {verify.returncode})")
        self.logout("clerk")

    def auditor_finds_every_step(self):
        from selenium.webdriver.common.by import By
        self.login("auditor")
        self.check(self.status_of("/sessions") == 403, "the auditor sees no footage")
        self.check(self.open("/registers/access", "auditor-access-register") == "Access register", "the register")
        entries = []
        for tr in self.d.find_elements(By.CSS_SELECTOR, "main table tbody tr"):
            cells = tr.find_elements(By.TAG_NAME, "td")
            entries.append((cells[0].text, cells[4].text))
        actions = {a.split(" ")[0] for _, a in entries}
        self.check({"console_view", "console_playback", "console_download", "export_request", "approve",
                    "export"} <= actions, f"every step is in the access register: {sorted(actions)}")
        self.check(any(e.startswith("supervisor-demo.") and a == f"approve {self.request}" for e, a in entries),
            "the approval is the supervisor's entry")
        self.check(not any(e.startswith("clerk-demo.") and a.startswith(("approve", "refuse")) for e, a in entries),
                   "the clerk made no decision")
        self.check("every entry checks." in self.d.page_source, "the register's chains are intact")
        self.logout("auditor")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", required=True)
    parser.add_argument("--bin", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--keep", action="store_true", help="keep the shift and the browser profile")
    parser.add_argument("--recorded-shift", help="copy this `bodycam simulate --cameras 2` output instead of "
                        "recording a shift (to iterate on the browser steps; the ctest entry always records)")
    args = parser.parse_args()
    out = Path(args.out).resolve()
    shots = out / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    for old in shots.glob("*.png"):
        old.unlink()
    started = time.monotonic()
    work = stage_lib.make_work_dir("bodycam-console-browser-")
    stage = driver = None
    passed = False
    try:
        stage_lib.require_browser_tools()
        stage = stage_lib.console_stage(args.source, args.bin, work)
        if args.recorded_shift:
            stage.copy_shift(args.recorded_shift)
        else:
            stage.record_shift()
        stage.make_accounts()
        stage.start_console()
        downloads = work / "downloads"
        downloads.mkdir()
        driver = stage_lib.new_browser(downloads, work / "profile")
        t = browser_test(driver, stage, out)
        t.clerk_sees_every_session()
        t.step_add_note()
        t.step_search()
        t.play_whole_session()
        t.clerk_requests_export()
        t.clerk_cannot_approve()
        t.clerk_holds_and_requests_release()
        t.logout("clerk")
        t.officer_sees_own_only()
        t.admin_sees_no_footage()
        t.supervisor_approves()
        t.clerk_downloads_and_verifies(downloads)
        t.clerk_releases_hold()
        t.auditor_finds_every_step()
        driver.quit()
        driver = None
        stage.stop_console()
        audit = stage_lib.run([str(stage.bin_dir / "bodycam"), "audit", str(stage.shift / "store"), "--root",
                               str(stage.shift / "keys" / "agency-root.pub")],
                              "bodycam audit of the store after the console", ok_codes=(0, 1, 2, 3))
        if audit.returncode not in (0, 1):
            raise AssertionError(f"the store with the console's access entries audits {audit.returncode}:\n"
                                 f"{audit.stdout[-3000:]}")
        log(f"{t.checks} checks passed, {t.shot_count} screenshots in {shots}")
        passed = True
    except Exception as e:  # noqa: BLE001 - a stage error, a failed check or a browser error: all fail the test
        traceback.print_exc()
        print(f"FAILED: {e}", file=sys.stderr)
    finally:
        if driver is not None:
            driver.quit()
        if stage is not None:
            stage.close()
        print(f"screenshots: {shots}")
        if passed and not args.keep:
            stage_lib.remove_work_dir(work)
        else:
            print(f"work folder kept: {work} (shift, console.log, chromedriver.log, downloads)")
        print(f"took {time.monotonic() - started:.1f} s")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
