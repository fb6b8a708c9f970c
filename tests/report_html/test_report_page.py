"""The HTML fleet report, as a browser shows it, of real runs of scenarios/default.yaml."""
import re
import subprocess

from conftest import ROOT, mqttbed_binary


def test_run_writes_a_self_contained_page_beside_report_json(passing_run):
    assert passing_run.returncode == 0
    html = passing_run.html.read_text()
    # Nothing is fetched: no external scripts, styles or images.
    assert not re.search(r"<(script|img|iframe)[^>]*\bsrc=", html)
    assert "<link" not in html
    assert "uPlot" in html  # the chart library is inlined


def test_no_html_flag_writes_no_page(workdir):
    out = workdir / "no-html"
    subprocess.run([mqttbed_binary(), "run", str(ROOT / "scenarios" / "default.yaml"), "--quiet",
                    "--no-html", "--out", str(out)], check=True, capture_output=True)
    assert (out / "report.json").exists()
    assert not (out / "report.html").exists()


def test_page_renders_without_console_errors(passing_run, open_page):
    rendered, errors = open_page(passing_run.html)
    assert errors == []
    assert rendered == "true"


def test_connected_clients_chart_has_every_bucket_of_the_series(passing_run, open_page, browser):
    open_page(passing_run.html)
    series = passing_run.report["metrics"]["series"]["connected_clients"]
    drawn = browser.execute_script(
        "const u = window.mqttbedReport.charts.connected_clients;"
        "return {x: Array.from(u.data[0]), y: Array.from(u.data[1])};")
    assert len(drawn["x"]) == len(series["values"])
    assert drawn["y"] == series["values"]
    assert drawn["x"][1] - drawn["x"][0] == series["step_s"]
    # Every series report.json carries is drawn.
    drawn_keys = browser.execute_script(
        "return Array.from(document.querySelectorAll('.time-chart'))"
        ".map(c => c.dataset.series).join(',')").split(",")
    assert set(passing_run.report["metrics"]["series"]) <= set(drawn_keys)


def test_fault_windows_and_latency_histograms_are_shown(passing_run, open_page, browser):
    open_page(passing_run.html)
    faults = browser.execute_script(
        "return Array.from(document.querySelectorAll('#fault-table tr td:nth-child(1)'))"
        ".map(td => td.textContent)")
    assert faults == [w["kind"] for w in passing_run.report["metrics"]["fault_windows"]]
    histograms = browser.execute_script(
        "return Object.keys(window.mqttbedReport.charts).filter(k => k.startsWith('hist '))")
    latency = passing_run.report["metrics"]["latency"]
    expected = [f"hist {q}" for q in ("qos0", "qos1", "qos2") if latency[q]["count"] > 0]
    expected += [f"hist kind {k}" for k in latency["by_kind"]]
    assert set(expected) <= set(histograms)
    assert "hist qos1" in histograms


def test_passing_run_shows_every_verdict_passed(passing_run, open_page, browser):
    open_page(passing_run.html)
    cells = browser.execute_script(
        "return Array.from(document.querySelectorAll('#verdict-table tr[data-guarantee]'))"
        ".map(r => [r.dataset.guarantee, r.querySelector('td.verdict').textContent])")
    label = {"passed": "pass", "nothing_checked": "nothing checked"}
    assert cells == [[v["guarantee"], label[v["status"]]] for v in passing_run.report["verdicts"]]
    assert browser.find_element("id", "run-status-0").text == "PASSED"


def test_injected_failure_is_shown_in_the_verdict_table(failing_run, open_page, browser):
    assert failing_run.returncode == 1
    rendered, errors = open_page(failing_run.html)
    assert errors == [] and rendered == "true"
    shown = dict(browser.execute_script(
        "return Array.from(document.querySelectorAll('#verdict-table tr[data-guarantee]'))"
        ".map(r => [r.dataset.guarantee, r.querySelector('td.verdict').textContent])"))
    label = {"passed": "pass", "failed": "FAIL", "nothing_checked": "nothing checked"}
    expected = {v["guarantee"]: label[v["status"]] for v in failing_run.report["verdicts"]}
    assert shown == expected
    assert shown["ordering"] == "FAIL"
    assert browser.find_element("id", "run-status-0").text == "FAILED"
    ordering = next(v for v in failing_run.report["verdicts"] if v["guarantee"] == "ordering")
    details = browser.find_element("css selector", 'details.violations[data-guarantee="ordering"]')
    text = details.get_attribute("textContent")
    assert f"{ordering['violation_count']} violations" in text
    first = ordering["violations"][0]
    assert first["invariant"] in text and first["topic"] in text
    for name in first["clients"] + first["messages"]:
        assert name in text
    excerpt = details.find_element("css selector", "pre.excerpt").get_attribute("textContent")
    assert excerpt.splitlines() == first["excerpt"]


def test_two_runs_compared_highlight_the_differing_verdict(passing_run, failing_run, workdir,
                                                            open_page, browser):
    page = workdir / "compare.html"
    subprocess.run([mqttbed_binary(), "report", str(passing_run.out_dir / "report.json"),
                    str(failing_run.out_dir / "report.json"), "--out", str(page)],
                   check=True, capture_output=True)
    rendered, errors = open_page(page)
    assert errors == [] and rendered == "true"
    row = browser.find_element("css selector", '#verdict-table tr[data-guarantee="ordering"]')
    assert "diff" in row.get_attribute("class").split()
    verdicts = [td.text for td in row.find_elements("css selector", "td.verdict")]
    assert verdicts == ["pass", "FAIL"]
    # Exactly the guarantees whose verdict or counts differ are highlighted.
    def judged(run):
        return {v["guarantee"]: (v["passed"], v["counts"], v["violation_count"])
                for v in run.report["verdicts"]}
    a, b = judged(passing_run), judged(failing_run)
    expected = sorted(g for g in a if a[g] != b.get(g))
    highlighted = browser.execute_script(
        "return Array.from(document.querySelectorAll('#verdict-table tr.diff[data-guarantee]'))"
        ".map(r => r.dataset.guarantee)")
    assert sorted(highlighted) == expected
    assert browser.find_element("id", "run-status-1").text == "FAILED"


def test_report_command_rejects_a_file_that_is_not_a_report(workdir):
    bogus = workdir / "bogus.json"
    bogus.write_text('{"hello": 1}')
    done = subprocess.run([mqttbed_binary(), "report", str(bogus)], capture_output=True,
                          text=True)
    assert done.returncode == 2
    assert "bogus.json" in done.stderr and "not an mqttbed report.json" in done.stderr


def test_report_text_cannot_break_out_of_the_page(passing_run, workdir, open_page, browser):
    import json
    report = json.loads(json.dumps(passing_run.report))
    hostile = "</script><script>window.injected = 1</script><!-- @@REPORT_JS@@"
    report["verdicts"][0]["passed"] = False
    report["verdicts"][0]["violations"] = [{"invariant": hostile, "clients": ["a<b>"],
                                            "excerpt": ["<img src=x onerror=window.injected=2>"]}]
    path = workdir / "hostile" / "report.json"
    path.parent.mkdir()
    path.write_text(json.dumps(report))
    subprocess.run([mqttbed_binary(), "report", str(path)], check=True, capture_output=True)
    rendered, errors = open_page(path.parent / "report.html")
    assert errors == [] and rendered == "true"
    assert browser.execute_script("return window.injected === undefined")
    details = browser.find_element("css selector", "details.violations")
    assert hostile in details.get_attribute("textContent")


def test_fault_windows_are_drawn_as_bands_behind_the_series(passing_run, open_page, browser):
    windows = passing_run.report["metrics"]["fault_windows"]
    assert windows, "scenarios/default.yaml is expected to schedule a fault"
    kind = windows[0]["kind"]
    same_kind = [w for w in windows if w["kind"] == kind]
    # Off round seconds, where grid lines are drawn.
    inside_s = windows[0]["start_s"] + 0.37 * (windows[0]["end_s"] - windows[0]["start_s"])
    outside_s = min(w["start_s"] for w in same_kind) * 0.43  # before any window of this kind
    open_page(passing_run.html)
    # Each fault kind has a lane of the plot's height; sample the middle of this kind's lane
    # inside the window and before it: inside carries the kind's colour, before it nothing.
    # The series are hidden first (uPlot redraws after the current task) so no line crosses
    # the sampled pixels.
    inside, outside, colour = browser.execute_async_script(
        """const [kind, inside, outside, done] = arguments;
        const r = window.mqttbedReport, u = r.charts.connected_clients;
        for (let i = 1; i < u.series.length; ++i) u.setSeries(i, {show: false});
        setTimeout(() => {
          const lane = r.faultLanes.findIndex(l => l.run === 0 && l.kind === kind);
          const y = Math.round(u.bbox.top + (lane + 0.5) * u.bbox.height / r.faultLanes.length);
          const at = (t) => Array.from(u.ctx.getImageData(Math.round(u.valToPos(t, 'x', true)), y, 1, 1).data);
          done([at(inside), at(outside), r.faultColors[kind]]);
        }, 0);""",
        kind, inside_s, outside_s)
    expected = [int(c) for c in colour[colour.index("(") + 1:].split(",")[:3]]
    assert inside[3] > 0 and all(abs(a - b) <= 8 for a, b in zip(inside[:3], expected)), inside
    assert outside[3] == 0, outside


def test_report_command_takes_one_or_two_reports(passing_run):
    report = str(passing_run.out_dir / "report.json")
    for args in ([], [report, report, report]):
        done = subprocess.run([mqttbed_binary(), "report", *args], capture_output=True, text=True)
        assert done.returncode == 2
        assert "report: expected one or two report.json files" in done.stderr


def axis_labels(browser):
    return browser.execute_script(
        "return Object.entries(window.mqttbedReport.charts).filter(([k]) => !k.startsWith('hist '))"
        ".map(([, u]) => u.axes[0].label)")


def test_simulated_run_labels_its_time_axis_virtual_time(passing_run, open_page, browser):
    assert passing_run.report["mode"] == "simulated"
    open_page(passing_run.html)
    labels = axis_labels(browser)
    assert labels and set(labels) == {"virtual time"}
    heading = browser.find_element("css selector", "#time-series h2").text
    assert "virtual time" in heading


def test_live_report_labels_its_time_axis_real_time(passing_run, workdir, open_page, browser):
    import json
    report = json.loads(json.dumps(passing_run.report))
    report["mode"] = "live"  # what a --broker run writes (the live tests run real brokers)
    path = workdir / "live-mode" / "report.json"
    path.parent.mkdir()
    path.write_text(json.dumps(report))
    subprocess.run([mqttbed_binary(), "report", str(path)], check=True, capture_output=True)
    rendered, errors = open_page(path.parent / "report.html")
    assert errors == [] and rendered == "true"
    labels = axis_labels(browser)
    assert labels and set(labels) == {"real time (wall clock since start)"}
    assert "virtual" not in browser.find_element("css selector", "#time-series").text


def test_unjudged_verdicts_are_not_shown_as_plain_passes(passing_run, workdir, open_page, browser):
    # A guarantee the broker profile does not promise (aws-iot's ordering) and one that judged
    # nothing both pass, but the page must say which they are and why.
    import json
    report = json.loads((passing_run.out_dir / "report.json").read_text())
    first, second = report["verdicts"][0], report["verdicts"][1]
    first.update(status="not_promised",
                 not_promised="the aws-iot profile promises no ordering; 3 of 40 out of order")
    second.update(status="nothing_checked", nothing_checked=True,
                  counts={k: 0 for k in second["counts"]})
    source = workdir / "unjudged.json"
    source.write_text(json.dumps(report))
    page = workdir / "unjudged.html"
    subprocess.run([mqttbed_binary(), "report", str(source), "--out", str(page)], check=True,
                   capture_output=True)
    rendered, errors = open_page(page)
    assert errors == [] and rendered == "true"

    def cell(guarantee):
        return browser.find_element(
            "css selector", f'#verdict-table tr[data-guarantee="{guarantee}"] td.verdict').text

    assert cell(first["guarantee"]) == "not promised"
    assert cell(second["guarantee"]) == "nothing checked"
    notes = {li.get_attribute("data-guarantee"): li.text
             for li in browser.find_elements("css selector", "#verdict-notes li")}
    unjudged = {v["guarantee"] for v in report["verdicts"]
                if v["status"] in ("not_promised", "nothing_checked")}
    assert first["guarantee"] in unjudged and second["guarantee"] in unjudged
    assert set(notes) == unjudged
    assert "promises no ordering; 3 of 40 out of order" in notes[first["guarantee"]]
    assert "without judging anything" in notes[second["guarantee"]]
