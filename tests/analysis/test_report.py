#!/usr/bin/python3
"""`pzsim report` end to end: a small `pzsim compare --by-cohort` (default scenario cut to three
years and 1,000 firms, seeds 1 and 2), the report written from it, then opened in headless Chromium.

Checks: --help and exit codes (2 for a missing folder, a folder without comparison.json, a
malformed comparison.json, an existing output; 1 when the script cannot be found); that
PZSIM_ANALYSIS_DIR chooses the script and pzsim passes it its arguments; the file is
complete (no temporary file left), under 5 MB, with no http(s) URL, no script and only data:
images; it holds the scenario, every comparison row, the cohort and decomposition plots, the
caveats and the commit; Chromium's DOM
has every comparison row and every plot decoded; the screenshot is not blank.

Usage: /usr/bin/python3 tests/analysis/test_report.py <path-to-pzsim> <source-dir>
"""
import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import matplotlib.image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from checks import fail  # noqa: E402

SEEDS = [1, 2]
SMALL = ["run.start=2014-01", "run.months=36", "run.burn_in_months=6", "firms.count=1000",
         "consumers.agents_per_destination=1000"]
MAX_BYTES = 5 * 1024 * 1024
CHROMIUM = "/usr/bin/chromium"


def make_comparison(pzsim, scenario, directory):
    """The real `pzsim compare -o DIR` folder (contract 1), with the leave-one-batch-out runs."""
    command = [pzsim, "compare", scenario, "--seeds", ",".join(map(str, SEEDS)), "--by-cohort", "-o", directory, "-q",
               "--threads", "2"]
    for override in SMALL:
        command += ["--set", override]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        fail(f"pzsim compare failed (exit {result.returncode}): {result.stderr[-2000:]}")
    with open(os.path.join(directory, "comparison.json")) as f:
        return json.load(f)


def pzsim_report(pzsim, *args, env=None):
    result = subprocess.run([pzsim, "report", *args], capture_output=True, text=True, timeout=300,
                            env=None if env is None else {**os.environ, **env})
    return result.returncode, result.stdout + result.stderr


def expect_rc(pzsim, expected, description, *args, env=None):
    rc, output = pzsim_report(pzsim, *args, env=env)
    if rc != expected:
        fail(f"{description}: expected exit {expected}, got {rc}:\n{output[-3000:]}")
    return output


class Elements(html.parser.HTMLParser):
    """Table rows by class, img sources, every src/href attribute, ids."""

    def __init__(self):
        super().__init__()
        self.rows = []  # (class, [cell texts])
        self.imgs, self.links, self.ids, self.scripts = [], [], set(), 0
        self._row = None
        self._cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        for key in ("src", "href"):
            if key in attrs:
                self.links.append(attrs[key])
        if tag == "script":
            self.scripts += 1
        if tag == "img":
            self.imgs.append(attrs.get("src", ""))
        if tag == "tr":
            self._row = (attrs.get("class", ""), [])
        if tag == "td" and self._row is not None:
            self._cell = []

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag):
        if tag == "td" and self._row is not None and self._cell is not None:
            self._row[1].append("".join(self._cell).strip())
            self._cell = None
        if tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None


def parse(text):
    parser = Elements()
    parser.feed(text)
    return parser


def check_rows(parsed, comparison, where):
    rows = [cells for css, cells in parsed.rows if "comparison-row" in css.split()]
    if len(rows) != len(comparison["rows"]):
        fail(f"{where}: {len(rows)} comparison rows, comparison.json has {len(comparison['rows'])}")
    expected = {(r["estimand"], r["metric"]) for r in comparison["rows"]}
    found = {(cells[0], cells[1]) for cells in rows}
    if found != expected:
        fail(f"{where}: rows {sorted(expected - found)} missing, {sorted(found - expected)} unexpected")


def chromium(scratch, *args):
    """Headless Chromium with its profile and HOME in the scratch folder; --no-sandbox because
    the tests may run as root, where Chromium refuses its sandbox."""
    return subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           f"--user-data-dir={scratch}/chrome", *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "HOME": scratch})


def main():
    if len(sys.argv) != 3:
        fail("usage: test_report.py <path-to-pzsim> <source-dir>")
    pzsim, src = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    if not os.access(CHROMIUM, os.X_OK):
        fail(f"{CHROMIUM} not found: install it with scripts/deps --with-chromium (scripts/test does)")
    start = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="pzsim-report-")
    try:
        # --- help and bad input ------------------------------------------------------------
        help_text = expect_rc(pzsim, 0, "pzsim report --help", "--help")
        for word in ("dir", "--output", "--force", "comparison.json"):
            if word not in help_text:
                fail(f"pzsim report --help does not mention {word}")
        expect_rc(pzsim, 2, "missing folder", os.path.join(tmp, "nowhere"))
        os.mkdir(os.path.join(tmp, "empty"))
        expect_rc(pzsim, 2, "folder without comparison.json", os.path.join(tmp, "empty"))
        os.mkdir(os.path.join(tmp, "broken"))
        with open(os.path.join(tmp, "broken", "comparison.json"), "w") as f:
            f.write('{"rows": [')
        expect_rc(pzsim, 2, "malformed comparison.json", os.path.join(tmp, "broken"))
        for folder in ("empty", "broken"):
            if os.listdir(os.path.join(tmp, folder)) != ([] if folder == "empty" else ["comparison.json"]):
                fail(f"a failed report left files in {folder}: {os.listdir(os.path.join(tmp, folder))}")

        # --- a real comparison folder and its report ----------------------------------------
        directory = os.path.join(tmp, "comparison")
        comparison = make_comparison(pzsim, os.path.join(src, "scenarios", "default.yaml"), directory)
        output = os.path.join(tmp, "report.html")
        expect_rc(pzsim, 1, "report script not found", directory, "-o", output, env={"PZSIM_ANALYSIS_DIR": tmp})
        expect_rc(pzsim, 0, "pzsim report", directory, "-o", output)
        leftovers = [f for f in os.listdir(tmp) if ".tmp-" in f]
        if leftovers:
            fail(f"temporary files left: {leftovers}")
        expect_rc(pzsim, 2, "existing output without --force", directory, "-o", output)
        # PZSIM_ANALYSIS_DIR points pzsim at another report.py: one that records its arguments.
        os.mkdir(os.path.join(tmp, "analysis"))
        with open(os.path.join(tmp, "analysis", "report.py"), "w") as f:
            f.write("import json, sys\njson.dump(sys.argv[1:], open(sys.argv[3] + '.args', 'w'))\n")
        copy_output = os.path.join(tmp, "copy.html")
        expect_rc(pzsim, 0, "PZSIM_ANALYSIS_DIR", directory, "-o", copy_output, "--force",
                  env={"PZSIM_ANALYSIS_DIR": os.path.join(tmp, "analysis")})
        try:
            with open(copy_output + ".args") as f:
                passed = json.load(f)
        except OSError:
            fail("pzsim report did not run the report.py in PZSIM_ANALYSIS_DIR")
        if passed[:4] != [directory, "-o", copy_output, "--force"] or passed[4:5] != ["--pzsim"] or \
                not os.path.samefile(passed[5], pzsim):
            fail(f"pzsim report passed {passed} to report.py")
        size = os.path.getsize(output)
        if size >= MAX_BYTES:
            fail(f"the report is {size} bytes, not under {MAX_BYTES}")
        with open(output, encoding="utf-8") as f:
            text = f.read()

        # Self-contained: nothing to fetch.
        urls = re.findall(r"https?://[^\s\"'<>)]*", text)
        if urls:
            fail(f"the report references URLs: {urls[:5]}")
        parsed = parse(text)
        if parsed.scripts:
            fail(f"the report has {parsed.scripts} script element(s)")
        external = [link for link in parsed.links if not (link.startswith("data:") or link.startswith("#"))]
        if external:
            fail(f"the report links outside itself: {[e[:80] for e in external]}")
        if not parsed.imgs or not all(s.startswith("data:image/png;base64,") for s in parsed.imgs):
            fail(f"expected embedded PNG plots, found {len(parsed.imgs)} img elements: {[s[:40] for s in parsed.imgs]}")

        # Contents.
        page_title = re.search(r"<title>(.*?)</title>", text)
        if not page_title or not page_title.group(1).startswith("pzsim report: "):
            fail(f"the page title is {page_title.group(1)[:80] if page_title else None!r}, not 'pzsim report: ...'")
        check_rows(parsed, comparison, "report.html")
        for needle, what in [("comparison-table", "the comparison table"), ("default.yaml", "the scenario file"),
                             ("Uncalibrated", "the uncalibrated caveat"), ("2020-07", "the definition-break caveat"),
                             ("paired t, 95%", "what the intervals are"), (comparison["git_commit"], "the git commit"),
                             ("Hangzhou (2015-03)", "the zone cities with their approval"),
                             ("Difference-in-differences", "the DiD section"),
                             ("Rows <code>cohort:&lt;batch&gt;</code>", "the leave-one-batch-out plots (--by-cohort)"),
                             ("Decomposition of the zone-city gain", "the decomposition")]:
            if needle not in text:
                fail(f"the report lacks {what} ({needle!r})")
        did_available = re.search(r"^Usage: \S+ did\b", subprocess.run([pzsim, "did", "--help"], capture_output=True,
                                                                        text=True).stdout, re.MULTILINE)
        if did_available and ("did" not in parsed.ids or 'class="did-row' not in text):
            fail("pzsim did exists but the report has no DiD rows")
        if not did_available and "not available" not in text:
            fail("pzsim did does not exist and the report does not say so")

        # --- Chromium: the DOM it builds and what it paints ---------------------------------
        url = "file://" + output
        dom = chromium(tmp, "--dump-dom", url)
        if dom.returncode != 0 or "</html>" not in dom.stdout:
            fail(f"chromium --dump-dom failed (exit {dom.returncode}): {dom.stderr[-2000:]}")
        parsed_dom = parse(dom.stdout)
        check_rows(parsed_dom, comparison, "Chromium's DOM")
        if "comparison-table" not in parsed_dom.ids:
            fail("Chromium's DOM has no comparison-table")
        if len(parsed_dom.imgs) != len(parsed.imgs):
            fail(f"Chromium's DOM has {len(parsed_dom.imgs)} images, the file {len(parsed.imgs)}")
        shot = os.path.join(tmp, "shot.png")
        result = chromium(tmp, f"--screenshot={shot}", "--window-size=1200,2400", url)
        if result.returncode != 0 or not os.path.isfile(shot):
            fail(f"chromium --screenshot failed (exit {result.returncode}): {result.stderr[-2000:]}")
        pixels = matplotlib.image.imread(shot)[:, :, :3].mean(axis=2)  # grey, 0 black .. 1 white
        inked = float((pixels < 0.9).mean())
        if pixels.std() < 0.05 or inked < 0.02:
            fail(f"the screenshot looks blank: grey level std {pixels.std():.4f}, {100 * inked:.2f}% of pixels inked")
        print(f"report: {size / 1e6:.2f} MB, {len(comparison['rows'])} comparison rows, {len(parsed.imgs)} plots; screenshot grey "
              f"std {pixels.std():.3f}, {100 * inked:.1f}% inked; {time.monotonic() - start:.1f} s")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
