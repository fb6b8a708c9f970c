"""How long report.html takes to open: headless Chromium (Debian's chromium + chromedriver)
loads the page a few times and prints its size and the time from navigation start to the end
of the load event (report.js draws every table and chart inline, before the load event).

  /usr/bin/python3 bench/report_open_time.py runs/fleet-100k/report.html [loads]
"""
import os
import statistics
import sys
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service


def main():
    page = os.path.abspath(sys.argv[1])
    loads = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--window-size=1400,2200",
                 "--user-data-dir=" + tempfile.mkdtemp()):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    times = []
    try:
        for _ in range(loads):
            driver.get("about:blank")
            driver.get("file://" + page)  # returns once the load event has fired
            ms = driver.execute_script(
                "const t = performance.timing; return t.loadEventEnd - t.navigationStart;")
            errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
            if errors:
                print("console errors:", errors, file=sys.stderr)
                return 1
            times.append(ms / 1000.0)
    finally:
        driver.quit()
    size_mb = os.path.getsize(page) / 1e6
    print(f"page={page} size_mb={size_mb:.2f} loads={loads} "
          f"open_s_median={statistics.median(times):.2f} open_s_max={max(times):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
