"""The fleet view (one grid cell per home, coloured by connected fraction, with a time slider)
of a real run of scenarios/default.yaml, whose gateway acct1-home1-gateway0 is disconnected
from 30 s to 70 s: home 1 drops to 4/5 connected meanwhile."""
import base64


def bucket_at(homes, seconds):
    return int(seconds / homes["step_s"])


def test_report_json_carries_a_connected_fraction_per_home(passing_run):
    homes = passing_run.report["metrics"]["homes"]
    fleet = passing_run.report["scenario"]["fleet"]
    assert len(homes["clients"]) == fleet["homes"]
    per_home = sum(group["count"] for group in fleet["per_home"])
    assert homes["clients"] == [per_home] * fleet["homes"]
    rows = [base64.b64decode(row) for row in homes["connected_b64"]]
    assert all(len(row) == homes["buckets"] for row in rows)
    assert homes["buckets"] == len(passing_run.report["metrics"]["series"]["connected_clients"]["values"])
    home1 = rows[1]
    assert home1[bucket_at(homes, 20)] == 255
    assert home1[bucket_at(homes, 50)] == round(255 * (per_home - 1) / per_home)
    assert home1[bucket_at(homes, 100)] == 255
    assert rows[0][bucket_at(homes, 50)] == 255


def cell_pixel(browser, home, bucket):
    return browser.execute_script(
        "const g = window.mqttbedReport.fleet[0];"
        "g.slider.value = String(arguments[1]);"
        "g.slider.dispatchEvent(new Event('input'));"
        "const x = (arguments[0] % g.cols) * g.cell + Math.floor(g.cell / 2);"
        "const y = Math.floor(arguments[0] / g.cols) * g.cell + Math.floor(g.cell / 2);"
        "return Array.from(g.canvas.getContext('2d').getImageData(x, y, 1, 1).data);",
        home, bucket)


def test_grid_has_a_cell_per_home_and_home1_changes_colour_in_the_fault(passing_run, open_page,
                                                                       browser):
    rendered, errors = open_page(passing_run.html)
    assert errors == [] and rendered == "true"
    homes = passing_run.report["metrics"]["homes"]
    cells = browser.execute_script(
        "return Array.from(document.querySelectorAll('#fleet canvas.fleet-canvas'))"
        ".map(c => +c.dataset.cells)")
    assert cells == [len(homes["clients"])]
    before = cell_pixel(browser, 1, bucket_at(homes, 20))
    during = cell_pixel(browser, 1, bucket_at(homes, 50))
    after = cell_pixel(browser, 1, bucket_at(homes, 100))
    assert before != during
    assert before == after
    # Green before, redder during.
    assert before[1] > before[0] and during[0] > before[0]
    # Home 0 has no fault: the same colour throughout.
    assert cell_pixel(browser, 0, bucket_at(homes, 20)) == cell_pixel(browser, 0, bucket_at(homes, 50))
    label = browser.execute_script("return document.querySelector('#fleet .fleet-time').textContent")
    assert label
