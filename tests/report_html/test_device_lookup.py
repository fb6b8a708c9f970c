"""Device lookup: typing a client id shows its connection timeline, from metrics.timelines of
a real run of scenarios/default.yaml (acct1-home1-gateway0 loses its connection at 30 s)."""
from selenium.webdriver.common.by import By


def test_report_json_carries_every_clients_timeline_of_a_small_fleet(passing_run):
    timelines = passing_run.report["metrics"]["timelines"]
    assert timelines["selection"] == "all"
    assert len(timelines["clients"]) == timelines["clients_total"]
    events = timelines["clients"]["acct1-home1-gateway0"]["events"]
    lost = [e for e in events if e["event"] == "connection_lost"]
    assert lost and 29.5 <= lost[0]["t_s"] <= 31
    assert events[0]["event"] == "connect_sent"
    # Its will fires while it is away (40 s > 1.5 x keepalive).
    assert any(e["event"] == "will_delivered" for e in events)


def test_typing_a_client_id_shows_its_timeline(passing_run, open_page, browser):
    rendered, errors = open_page(passing_run.html)
    assert errors == [] and rendered == "true"
    box = browser.find_element(By.ID, "device-input")
    box.send_keys("acct1-home1-gateway0")
    rows = browser.execute_script(
        "return Array.from(document.querySelectorAll('#device-timeline table.timeline tr[data-event]'))"
        ".map(r => [r.dataset.event, +r.dataset.t, r.textContent])")
    lost = [row for row in rows if row[0] == "connection_lost"]
    assert lost, rows
    assert 29.5 <= lost[0][1] <= 31
    assert "network" in lost[0][2]
    # An unknown id says so instead of showing a table.
    box.send_keys("x")
    text = browser.find_element(By.ID, "device-timeline").text
    assert "No timeline" in text
    assert browser.find_elements(By.CSS_SELECTOR, "#device-timeline table") == []
