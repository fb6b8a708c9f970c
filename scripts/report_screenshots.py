"""Screenshots of report.html's fleet view (at a chosen virtual time) and device lookup (one
client typed in), for docs/images. Needs Debian's chromium, chromium-driver, python3-selenium.

  /usr/bin/python3 scripts/report_screenshots.py /tmp/outage/report.html 960.5 acct0-home0-light0 \\
      docs/images/fleet-view.png docs/images/device-lookup.png
"""
import os
import sys
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By


def main():
    page, at_s, client, fleet_png, lookup_png = sys.argv[1:6]
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--window-size=1400,2200", "--user-data-dir=" + tempfile.mkdtemp()):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        driver.get("file://" + os.path.abspath(page))
        driver.execute_script(
            "const g = window.mqttbedReport.fleet[0];"
            "g.slider.value = String(Math.min(g.buckets - 1, Math.floor(arguments[0] / g.step_s)));"
            "g.slider.dispatchEvent(new Event('input'));", float(at_s))
        driver.find_element(By.ID, "device-input").send_keys(client)
        driver.find_element(By.ID, "fleet").screenshot(fleet_png)
        driver.find_element(By.ID, "device-lookup").screenshot(lookup_png)
    finally:
        driver.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
