// mqttbed fleet report: draws one run's report.json (or two runs compared) from the JSON
// blocks embedded in this page. Tables are plain DOM; charts are uPlot, all sharing one
// virtual-time axis (cursor synced) with the fault windows drawn as bands.
// Exposes window.mqttbedReport = {runs, charts} so tests can inspect what was drawn.
(function () {
  'use strict';

  const RUN_COLORS = ['#1f77b4', '#d62728'];
  const SERIES_COLORS = ['#1f77b4', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#17becf'];
  const FAULT_COLORS = {
    partition: 'rgba(214, 39, 40, 0.13)', disconnect: 'rgba(255, 127, 14, 0.15)',
    broker_crash: 'rgba(148, 103, 189, 0.17)', latency_spike: 'rgba(188, 189, 34, 0.18)',
    loss_burst: 'rgba(23, 190, 207, 0.15)', reboot: 'rgba(140, 86, 75, 0.5)',
  };
  const DEFAULT_FAULT_COLOR = 'rgba(127, 127, 127, 0.15)';

  const runs = Array.from(document.querySelectorAll('script.mqttbed-run')).map((el) => ({
    label: el.dataset.label || '',
    report: JSON.parse(el.textContent),
  }));
  const charts = {};
  window.mqttbedReport = { runs: runs, charts: charts, faultColors: FAULT_COLORS };
  const two = runs.length > 1;
  const root = document.getElementById('report');

  // ---- small DOM helpers ---------------------------------------------------------------

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null) continue;
      if (key === 'class') node.className = value;
      else if (key === 'text') node.textContent = value;
      else if (key.startsWith('data-')) node.setAttribute(key, value);
      else node[key] = value;
    }
    for (const child of [].concat(children || [])) {
      if (child === null || child === undefined) continue;
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
  }
  function section(title, id) {
    const node = el('section', { id: id }, [el('h2', { text: title })]);
    root.appendChild(node);
    return node;
  }
  function get(object, path) {
    let value = object;
    for (const key of path.split('.')) {
      if (value === null || value === undefined) return undefined;
      value = value[key];
    }
    return value;
  }
  function runName(i) { return two ? (i === 0 ? 'A' : 'B') : ''; }

  // ---- number formatting ---------------------------------------------------------------

  function fmtNumber(v) {
    if (v === null || v === undefined || Number.isNaN(v)) return '–';
    if (typeof v !== 'number') return String(v);
    if (Number.isInteger(v)) return v.toLocaleString('en-US');
    const a = Math.abs(v);
    if (a >= 1000) return v.toLocaleString('en-US', { maximumFractionDigits: 0 });
    if (a >= 1) return v.toFixed(2);
    return v.toPrecision(3);
  }
  function fmtSeconds(s) {
    if (s === null || s === undefined) return '–';
    const a = Math.abs(s);
    if (a === 0) return '0';
    if (a < 1e-6) return (s * 1e9).toPrecision(3) + ' ns';
    if (a < 1e-3) return (s * 1e6).toPrecision(3) + ' µs';
    if (a < 1) return (s * 1e3).toPrecision(3) + ' ms';
    if (a < 120) return s.toPrecision(4) + ' s';
    return Math.floor(s / 60) + ' min ' + Math.round(s % 60) + ' s';
  }
  function fmtSi(v) {
    if (v === null || v === undefined) return '';
    const a = Math.abs(v);
    if (a >= 1e9) return (v / 1e9).toPrecision(3) + 'G';
    if (a >= 1e6) return (v / 1e6).toPrecision(3) + 'M';
    if (a >= 1e3) return (v / 1e3).toPrecision(3) + 'k';
    if (a === 0 || a >= 1) return String(Math.round(v * 100) / 100);
    return v.toPrecision(2);
  }
  function fmtClock(s) {
    const m = Math.floor(s / 60);
    const rest = s - m * 60;
    const sec = Number.isInteger(rest) ? String(rest) : rest.toFixed(1);
    return m > 0 ? m + ':' + sec.padStart(2, '0') : sec + 's';
  }

  // Two values side by side: [A, B, Δ] cells, the row marked when they differ.
  function relDiff(a, b) {
    if (typeof a !== 'number' || typeof b !== 'number') return a === b ? 0 : Infinity;
    if (a === b) return 0;
    const scale = Math.max(Math.abs(a), Math.abs(b));
    return scale === 0 ? 0 : Math.abs(a - b) / scale;
  }
  function deltaText(a, b) {
    if (typeof a !== 'number' || typeof b !== 'number' || a === b) return '';
    if (a === 0) return 'new';
    const pct = ((b - a) / Math.abs(a)) * 100;
    return (pct > 0 ? '+' : '') + (Math.abs(pct) >= 10 ? pct.toFixed(0) : pct.toFixed(1)) + '%';
  }
  function valueCells(values, format, tolerance) {
    const cells = values.map((v) => el('td', { text: format(v) }));
    let differs = false;
    if (two) {
      differs = relDiff(values[0], values[1]) > (tolerance || 0);
      if (differs) cells.forEach((c) => c.classList.add('diff'));
      cells.push(el('td', { class: 'delta', text: deltaText(values[0], values[1]) }));
    }
    return { cells: cells, differs: differs };
  }
  function runHeaders(prefix) {
    const heads = runs.map((r, i) => el('th', { text: (prefix || '') + (two ? runName(i) : 'value') }));
    if (two) heads.push(el('th', { text: 'Δ' }));
    return heads;
  }

  // What the reports' times mean: "mode" in report.json is "live" (real time) or "simulated"
  // (virtual time; also reports written before the field existed).
  function isLive(r) { return get(r, 'mode') === 'live'; }
  const TIME_NAME = runs.every((r) => isLive(r.report)) ? 'real time (wall clock since start)'
    : runs.some((r) => isLive(r.report)) ? 'time (A: ' + runs.map((r) => isLive(r.report) ? 'wall clock' : 'virtual').join(', B: ') + ')'
      : 'virtual time';

  // ---- header: what was run ------------------------------------------------------------

  function renderRuns() {
    const first = runs[0].report;
    document.title = 'mqttbed — ' + get(first, 'scenario.name') + (two ? ' (A/B)' : '');
    const title = document.querySelector('#title h1');
    title.textContent = 'mqttbed fleet report — ' + runs.map((r) => get(r.report, 'scenario.name') +
      ' seed ' + get(r.report, 'scenario.seed')).join(' vs ');
    const cards = el('div', { class: 'runs' });
    runs.forEach((run, i) => {
      const r = run.report;
      const passed = get(r, 'summary.passed') === true;
      const rows = [
        ['scenario', get(r, 'scenario.name') + ' (' + get(r, 'scenario.file') + ')'],
        ['seed', get(r, 'scenario.seed')],
        ['clients', fmtNumber(get(r, 'scenario.fleet.clients')) + ' in ' +
          fmtNumber(get(r, 'scenario.fleet.homes')) + ' homes'],
        [isLive(r) ? 'real time' : 'virtual time', fmtSeconds(get(r, 'scenario.duration_s')) + ' + settle ' +
          fmtSeconds(get(r, 'scenario.settle_s'))],
        ['faults', String((get(r, 'scenario.faults') || []).length)],
        ['mqttbed', get(r, 'mqttbed_version')],
        ['ran', (get(r, 'wall_clock.started_at') || '?') + ', ' +
          fmtNumber(get(r, 'wall_clock.wall_seconds')) + ' s wall, ' +
          fmtNumber(get(r, 'wall_clock.events')) + ' events'],
        ['report', run.label],
      ];
      const dl = el('dl');
      for (const [k, v] of rows) { dl.appendChild(el('dt', { text: k })); dl.appendChild(el('dd', { text: String(v) })); }
      cards.appendChild(el('div', { class: 'run-card run' + i, 'data-run': String(i) }, [
        el('h3', {}, [(two ? 'Run ' + runName(i) + ': ' : ''),
          el('span', { class: 'badge ' + (passed ? 'pass' : 'fail'), id: 'run-status-' + i,
            text: passed ? 'PASSED' : 'FAILED' })]),
        dl,
      ]));
    });
    root.appendChild(cards);
  }

  // ---- summary and counters ------------------------------------------------------------

  function renderSummary() {
    const s = section('Summary and counters', 'summary');
    const table = el('table', { id: 'summary-table' });
    table.appendChild(el('tr', {}, [el('th', { class: 'name', text: 'summary' })].concat(runHeaders())));
    const rows = [
      ['verdicts passed', 'summary.verdicts.passed'], ['verdicts failed', 'summary.verdicts.failed'],
      ['violations', 'summary.violations'], ['expectations passed', 'summary.expectations.passed'],
      ['expectations failed', 'summary.expectations.failed'],
    ];
    for (const [name, path] of rows) {
      const { cells, differs } = valueCells(runs.map((r) => get(r.report, path)), fmtNumber);
      table.appendChild(el('tr', { class: differs ? 'diff' : '' }, [el('td', { class: 'name', text: name })].concat(cells)));
    }
    s.appendChild(table);

    s.appendChild(el('h3', { text: 'Counters' }));
    const counters = el('table', { id: 'counters-table' });
    counters.appendChild(el('tr', {}, [el('th', { class: 'name', text: 'counter' })].concat(runHeaders())));
    const keys = unionKeys(runs.map((r) => get(r.report, 'metrics.counters')));
    const broker = unionKeys(runs.map((r) => get(r.report, 'metrics.broker')));
    const all = keys.map((k) => ['metrics.counters.' + k, k])
      .concat(broker.map((k) => ['metrics.broker.' + k, 'broker.' + k]));
    for (const [path, name] of all) {
      const { cells, differs } = valueCells(runs.map((r) => get(r.report, path)), fmtNumber);
      counters.appendChild(el('tr', { class: differs ? 'diff' : '' }, [el('td', { class: 'name', text: name })].concat(cells)));
    }
    s.appendChild(counters);
  }
  function unionKeys(objects) {
    const keys = [];
    for (const o of objects) for (const k of Object.keys(o || {})) if (!keys.includes(k)) keys.push(k);
    return keys;
  }

  // ---- verdicts ------------------------------------------------------------------------

  const COUNT_KEYS = ['checked', 'ok', 'lost', 'duplicated', 'unexpected', 'indeterminate'];

  function renderVerdicts() {
    const s = section('Verdicts', 'verdicts');
    const guarantees = [];
    for (const run of runs) for (const v of run.report.verdicts || []) if (!guarantees.includes(v.guarantee)) guarantees.push(v.guarantee);
    const table = el('table', { id: 'verdict-table', class: two ? 'two' : '' });
    const head1 = [el('th', { class: 'name', text: 'guarantee', rowSpan: two ? 2 : 1 })];
    const perRun = ['verdict'].concat(COUNT_KEYS, ['violations']);
    // Two runs side by side need narrow columns: short headers.
    const SHORT = { duplicated: 'dup', unexpected: 'unexp', indeterminate: 'indet', violations: 'viol' };
    const headText = (k) => (two ? SHORT[k] || k : k);
    if (two) {
      runs.forEach((r, i) => head1.push(el('th', { text: 'Run ' + runName(i), colSpan: perRun.length })));
      table.appendChild(el('tr', {}, head1));
      const head2 = [];
      runs.forEach(() => perRun.forEach((k) => head2.push(el('th', { text: headText(k) }))));
      table.appendChild(el('tr', {}, head2));
    } else {
      table.appendChild(el('tr', {}, head1.concat(perRun.map((k) => el('th', { text: k })))));
    }
    for (const g of guarantees) {
      const verdicts = runs.map((r) => (r.report.verdicts || []).find((v) => v.guarantee === g));
      const row = el('tr', { 'data-guarantee': g }, [el('td', { class: 'name', text: g })]);
      let rowDiffers = false;
      verdicts.forEach((v, i) => {
        const other = two ? verdicts[1 - i] : undefined;
        const cell = (text, cls, differs) => {
          const td = el('td', { class: cls || '', text: text });
          if (differs) { td.classList.add('diff'); rowDiffers = true; }
          return td;
        };
        if (!v) {
          row.appendChild(cell('not run', 'muted verdict', two && other !== undefined));
          perRun.slice(1).forEach(() => row.appendChild(cell('')));
          return;
        }
        const passed = v.passed === true;
        // A pass that judged nothing, or a guarantee the broker profile does not promise, is
        // not a plain pass: said in the cell, and why under the table.
        const st = verdictStatus(v);
        const label = { passed: 'pass', failed: 'FAIL', nothing_checked: 'nothing checked', not_promised: 'not promised' }[st];
        const td = cell(label, 'verdict ' + (passed ? (st === 'passed' ? 'pass' : 'muted') : 'fail'),
          two && (!other || verdictStatus(other) !== st));
        td.setAttribute('data-status', st);
        if (st === 'not_promised') td.title = v.not_promised;
        row.appendChild(td);
        for (const k of COUNT_KEYS) {
          const value = get(v, 'counts.' + k);
          row.appendChild(cell(fmtNumber(value), '', two && other && get(other, 'counts.' + k) !== value));
        }
        const count = v.violation_count !== undefined ? v.violation_count : (v.violations || []).length;
        const otherCount = other ? (other.violation_count !== undefined ? other.violation_count : (other.violations || []).length) : undefined;
        row.appendChild(cell(fmtNumber(count), count > 0 ? 'fail' : '', two && other && otherCount !== count));
      });
      if (rowDiffers) row.classList.add('diff');
      table.appendChild(row);
    }
    s.appendChild(table);
    renderVerdictNotes(s);
    renderViolations(s);
    renderExpectations(s);
  }

  // Reports before the status field had only `passed`.
  function verdictStatus(v) {
    if (v.status) return v.status;
    if (v.passed !== true) return 'failed';
    return v.nothing_checked ? 'nothing_checked' : 'passed';
  }

  function renderVerdictNotes(parent) {
    const notes = el('ul', { id: 'verdict-notes', class: 'notes' });
    runs.forEach((run, i) => {
      for (const v of run.report.verdicts || []) {
        const st = verdictStatus(v);
        const where = two ? ' (run ' + runName(i) + ')' : '';
        if (st === 'not_promised') {
          notes.appendChild(el('li', { 'data-guarantee': v.guarantee, 'data-status': st }, [
            el('b', { text: v.guarantee }), where + ': not promised by the declared broker profile, so not judged: ' + v.not_promised]));
        } else if (st === 'nothing_checked') {
          notes.appendChild(el('li', { 'data-guarantee': v.guarantee, 'data-status': st }, [
            el('b', { text: v.guarantee }), where + ': passed without judging anything (nothing it promises was seen to hold or fail)']));
        }
      }
    });
    if (notes.childNodes.length) parent.appendChild(notes);
  }

  const VIOLATIONS_SHOWN = 3;

  function renderViolations(parent) {
    let opened = false;  // only the first failing guarantee's evidence starts unfolded
    runs.forEach((run, i) => {
      for (const v of run.report.verdicts || []) {
        const list = v.violations || [];
        if (!list.length) continue;
        const total = v.violation_count !== undefined ? v.violation_count : list.length;
        const details = el('details', { class: 'violations', open: !opened, 'data-guarantee': v.guarantee, 'data-run': String(i) }, [
          el('summary', {}, [el('span', { class: 'fail', text: v.guarantee }),
            (two ? ' (run ' + runName(i) + ')' : '') + ': ' + total + ' violation' + (total === 1 ? '' : 's') +
            (total > list.length ? ', the first ' + list.length + ' shown' : '')]),
        ]);
        // The first few in full; the rest one click away, so a page with hundreds stays short.
        list.slice(0, VIOLATIONS_SHOWN).forEach((violation) => details.appendChild(renderViolation(violation)));
        if (list.length > VIOLATIONS_SHOWN) {
          const more = el('details', { class: 'more-violations' }, [el('summary', { text: (list.length - VIOLATIONS_SHOWN) + ' more' })]);
          list.slice(VIOLATIONS_SHOWN).forEach((violation) => more.appendChild(renderViolation(violation)));
          details.appendChild(more);
        }
        parent.appendChild(details);
        opened = true;
      }
    });
  }
  function renderViolation(v) {
    const dl = el('dl');
    const add = (k, value) => {
      if (value === undefined || value === null || value === '' || (Array.isArray(value) && !value.length)) return;
      dl.appendChild(el('dt', { text: k }));
      dl.appendChild(el('dd', { class: k === 'invariant' ? '' : 'mono', text: Array.isArray(value) ? value.join(', ') : String(value) }));
    };
    add('invariant', v.invariant);
    add('spec', v.spec);
    add('clients', v.clients);
    add('topic', v.topic);
    add('messages', v.messages);
    const box = el('div', { class: 'violation' }, [dl]);
    if (v.excerpt && v.excerpt.length) {
      box.appendChild(el('div', { class: 'muted', text: 'history excerpt' }));
      box.appendChild(el('pre', { class: 'excerpt', text: v.excerpt.join('\n') }));
    }
    return box;
  }

  function renderExpectations(parent) {
    const metrics = [];
    for (const run of runs) for (const e of run.report.expectations || []) if (!metrics.includes(e.metric + ' ' + e.text)) metrics.push(e.metric + ' ' + e.text);
    if (!metrics.length) return;
    parent.appendChild(el('h3', { text: 'Expectations' }));
    const table = el('table', { id: 'expectation-table' });
    const head = [el('th', { class: 'name', text: 'expect' })];
    runs.forEach((r, i) => { head.push(el('th', { text: (two ? runName(i) + ' ' : '') + 'actual' })); head.push(el('th', { text: 'result' })); });
    table.appendChild(el('tr', {}, head));
    for (const key of metrics) {
      const row = el('tr', {}, [el('td', { class: 'name mono', text: key })]);
      const found = runs.map((r) => (r.report.expectations || []).find((e) => e.metric + ' ' + e.text === key));
      found.forEach((e, i) => {
        const differs = two && relDiff(e && e.actual, found[1 - i] && found[1 - i].actual) > 0;
        row.appendChild(el('td', { class: differs ? 'diff' : '', text: e ? fmtNumber(e.actual) : '–' }));
        row.appendChild(el('td', { class: e ? (e.passed ? 'pass' : 'fail') : 'muted', text: e ? (e.passed ? 'pass' : 'FAIL') : 'not set' }));
      });
      table.appendChild(row);
    }
    parent.appendChild(table);
  }

  // ---- charts --------------------------------------------------------------------------

  function chartWidth() { return Math.max(320, Math.min(root.clientWidth || 1100, 1168) - 8); }

  // Fault windows as bands behind the series of every time chart. Each (run, fault kind)
  // gets its own horizontal lane, and overlapping windows of one lane are merged first, so
  // hundreds of random windows read as a strip per kind instead of a muddy overlay.
  function faultLanes() {
    const lanes = [];
    runs.forEach((run, i) => {
      const byKind = new Map();
      for (const w of get(run.report, 'metrics.fault_windows') || []) {
        if (!byKind.has(w.kind)) byKind.set(w.kind, []);
        byKind.get(w.kind).push([w.start_s, w.end_s]);
      }
      for (const [kind, spans] of byKind) {
        spans.sort((a, b) => a[0] - b[0]);
        const merged = [];
        for (const [start, end] of spans) {
          const last = merged[merged.length - 1];
          if (last && start <= last[1]) last[1] = Math.max(last[1], end);
          else merged.push([start, end]);
        }
        lanes.push({ run: i, kind: kind, spans: merged });
      }
    });
    return lanes;
  }
  let lanesCache = null;

  function faultBandsHook(u) {
    lanesCache = lanesCache || (window.mqttbedReport.faultLanes = faultLanes());
    if (!lanesCache.length) return;
    const ctx = u.ctx;
    const { left, top, width, height } = u.bbox;
    const laneHeight = height / lanesCache.length;
    const minWidth = 2 * (window.devicePixelRatio || 1);
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    lanesCache.forEach((lane, n) => {
      ctx.fillStyle = FAULT_COLORS[lane.kind] || DEFAULT_FAULT_COLOR;
      for (const [start, end] of lane.spans) {
        const x0 = u.valToPos(start, 'x', true);
        const x1 = u.valToPos(end, 'x', true);
        ctx.fillRect(x0, top + n * laneHeight, Math.max(x1 - x0, minWidth), laneHeight);
      }
    });
    ctx.restore();
  }

  // Tick steps for virtual time: round seconds, minutes and hours.
  const TIME_INCRS = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30,
    60, 120, 300, 600, 900, 1800, 3600, 7200, 3 * 3600, 6 * 3600, 12 * 3600, 86400];

  function seriesXs(series) {
    const xs = new Array(series.values.length);
    for (let i = 0; i < xs.length; ++i) xs[i] = +(series.t0_s + i * series.step_s).toFixed(9);
    return xs;
  }

  // A chart of one or more report series over virtual time; each run's copy is drawn in
  // the run's style (A solid, B dashed).
  function timeChart(parent, id, title, unit, keys) {
    const tables = [];
    const specs = [];
    keys.forEach((key, k) => {
      runs.forEach((run, i) => {
        const series = get(run.report, 'metrics.series.' + key);
        if (!series || !Array.isArray(series.values)) return;
        tables.push([seriesXs(series), series.values]);
        specs.push({
          label: (SERIES_LABELS[key] || key) + (two ? ' (' + runName(i) + ')' : ''),
          stroke: two && keys.length === 1 ? RUN_COLORS[i] : SERIES_COLORS[k % SERIES_COLORS.length],
          dash: i === 1 ? [6, 4] : undefined,
          width: 1.5,
          value: (u, v) => (v === null || v === undefined ? '–' : fmtSi(v) + (unit ? ' ' + unit : '')),
          points: { show: false },
        });
      });
    });
    if (!tables.length) return null;
    let data = tables.length === 1 ? tables[0] : uPlot.join(tables);
    // One run, one level series: also its lowest..highest within each bucket as a shaded
    // range, so an outage shorter than a bucket still shows.
    const bands = [];
    const level = tables.length === 1 && get(runs[0].report, 'metrics.series.' + keys[0]);
    if (level && Array.isArray(level.min) && Array.isArray(level.max) &&
        level.min.length === level.values.length && level.max.length === level.values.length) {
      data = [data[0], data[1], level.max, level.min];
      const range = { stroke: 'rgba(31,119,180,0.25)', width: 1, points: { show: false },
        value: (u, v) => (v === null || v === undefined ? '–' : fmtSi(v) + (unit ? ' ' + unit : '')) };
      specs.push(Object.assign({ label: 'max in bucket' }, range), Object.assign({ label: 'min in bucket' }, range));
      bands.push({ series: [2, 3], fill: 'rgba(31,119,180,0.12)' });
    }
    const box = el('div', { class: 'chart time-chart', id: 'chart-' + id, 'data-series': keys.join(',') }, [el('h3', { text: title })]);
    parent.appendChild(box);
    const opts = {
      width: chartWidth(),
      height: 200,
      cursor: { sync: { key: 'mqttbed-time' } },
      scales: { x: { time: false } },
      axes: [
        { label: TIME_NAME, incrs: TIME_INCRS, values: (u, ticks) => ticks.map(fmtClock) },
        { values: (u, ticks) => ticks.map(fmtSi), size: 60, label: unit },
      ],
      series: [{ label: 'time', value: (u, v) => (v === null || v === undefined ? '–' : fmtClock(v)) }].concat(specs),
      bands: bands,
      hooks: { drawClear: [faultBandsHook] },
    };
    const plot = new uPlot(opts, data, box);
    charts[id] = plot;
    box.setAttribute('data-points', String(data[0].length));
    return plot;
  }

  const SERIES_LABELS = {
    published_messages_per_s: 'published', delivered_messages_per_s: 'delivered',
    published_bytes_per_s: 'published', delivered_bytes_per_s: 'delivered',
    connected_clients: 'connected', broker_queued_messages: 'queued', broker_connections: 'connections',
    broker_dropped_per_s: 'dropped', broker_denied_per_s: 'denied',
  };

  const TIME_CHARTS = [
    ['connected_clients', 'Connected clients', 'clients', ['connected_clients']],
    ['messages', 'Messages per second', 'msg/s', ['published_messages_per_s', 'delivered_messages_per_s']],
    ['bytes', 'Payload bytes per second', 'B/s', ['published_bytes_per_s', 'delivered_bytes_per_s']],
    ['broker_queued', 'Messages queued in the broker', 'msgs', ['broker_queued_messages']],
    ['broker_connections', 'Broker connections', 'conns', ['broker_connections']],
    ['broker_drops', 'Broker drops and refusals per second', '/s', ['broker_dropped_per_s', 'broker_denied_per_s']],
  ];

  function renderTimeSeries() {
    const s = section('Over ' + TIME_NAME, 'time-series');
    s.appendChild(el('p', { class: 'muted', text: 'All charts share one time axis (' + TIME_NAME + '); the cursor moves on all of them. ' +
      'Shaded bands are fault windows, one lane per fault kind' + (two ? ' and run (run A\'s lanes first)' : '') +
      '. Level series show the value at the end of each bucket and, shaded, the lowest..highest it held ' +
      'within the bucket; rates are per second over the bucket.' }));
    renderFaultLegend(s);
    const drawn = [];
    for (const [id, title, unit, keys] of TIME_CHARTS) {
      if (timeChart(s, id, title, unit, keys)) drawn.push(...keys);
    }
    // Anything else report.json carries, so a new series shows up without a renderer change.
    const others = unionKeys(runs.map((r) => get(r.report, 'metrics.series'))).filter((k) => !drawn.includes(k));
    for (const key of others) timeChart(s, key, key, '', [key]);
  }

  function renderFaultLegend(parent) {
    const windows = [];
    runs.forEach((run, i) => (get(run.report, 'metrics.fault_windows') || []).forEach((w) => windows.push([i, w])));
    if (!windows.length) { parent.appendChild(el('p', { class: 'muted', text: 'No fault windows in ' + (two ? 'either run.' : 'this run.') })); return; }
    const kinds = [];
    for (const [, w] of windows) if (!kinds.includes(w.kind)) kinds.push(w.kind);
    parent.appendChild(el('div', { class: 'fault-legend' }, kinds.map((k) =>
      el('span', {}, [el('span', { class: 'swatch', style: 'background:' + (FAULT_COLORS[k] || DEFAULT_FAULT_COLOR) }), k]))));
    const table = el('table', { id: 'fault-table' }, [el('tr', {}, [
      two ? el('th', { text: 'run' }) : null, el('th', { class: 'name', text: 'fault' }), el('th', { class: 'name', text: 'target' }),
      el('th', { text: 'start' }), el('th', { text: 'end' })])]);
    for (const [i, w] of windows) {
      table.appendChild(el('tr', {}, [two ? el('td', { text: runName(i) }) : null, el('td', { class: 'name', text: w.kind }),
        el('td', { class: 'name mono', text: w.target }), el('td', { text: fmtClock(w.start_s) }), el('td', { text: fmtClock(w.end_s) })]));
    }
    parent.appendChild(el('details', {}, [el('summary', { text: windows.length + ' fault window' + (windows.length === 1 ? '' : 's') }), table]));
  }

  // ---- fleet view ----------------------------------------------------------------------

  // metrics.homes: per home index, the fraction of its clients connected at each bucket's
  // end (0..255, base64). One canvas grid per run, one cell per home, with a time slider.
  function decodeBase64(text) {
    const raw = atob(text || '');
    const bytes = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; ++i) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }
  function fractionColor(value) {
    if (value === null) return '#d0d7de';
    const f = value / 255;
    return 'hsl(' + Math.round(120 * f) + ', 75%, 42%)';  // hue 120 green .. 0 red
  }

  function fleetGrid(parent, run, i) {
    const homes = get(run.report, 'metrics.homes');
    if (!homes || !Array.isArray(homes.clients) || !homes.clients.length) return null;
    const rows = homes.connected_b64.map(decodeBase64);
    const n = homes.clients.length;
    const buckets = homes.buckets;
    const width = chartWidth();
    const cols = Math.max(1, Math.min(n, Math.ceil(Math.sqrt(n * 4))));
    const cell = Math.max(3, Math.min(28, Math.floor(width / cols)));
    const lines = Math.ceil(n / cols);
    const canvas = el('canvas', { class: 'fleet-canvas', width: cols * cell, height: lines * cell, 'data-cells': String(n) });
    const slider = el('input', { type: 'range', min: 0, max: Math.max(0, buckets - 1), value: Math.max(0, buckets - 1), class: 'fleet-slider' });
    const label = el('span', { class: 'fleet-time mono' });
    const info = el('div', { class: 'fleet-info muted', text: 'Hover a cell for its home.' });
    const box = el('div', { class: 'fleet', id: 'fleet-' + i, 'data-homes': String(n) }, [
      two ? el('h3', { text: 'Run ' + runName(i) }) : null,
      el('div', { class: 'fleet-controls' }, [el('span', { text: (isLive(run.report) ? 'real time' : 'virtual time') + ' ' }), slider, label]), canvas, info]);
    parent.appendChild(box);
    const ctx = canvas.getContext('2d');
    const value = (home, b) => (homes.clients[home] > 0 && rows[home] && b < rows[home].length ? rows[home][b] : null);
    const grid = {
      homes: n, buckets: buckets, step_s: homes.step_s, canvas: canvas, slider: slider, cell: cell, cols: cols,
      value: value,
      colorOf: (home, b) => fractionColor(value(home, b)),
      draw: (b) => {
        ctx.clearRect(0, 0, canvas.width, canvas.height);
        for (let h = 0; h < n; ++h) {
          ctx.fillStyle = fractionColor(value(h, b));
          ctx.fillRect((h % cols) * cell, Math.floor(h / cols) * cell, cell > 4 ? cell - 1 : cell, cell > 4 ? cell - 1 : cell);
        }
        label.textContent = fmtClock(homes.t0_s + (b + 1) * homes.step_s);
      },
    };
    slider.addEventListener('input', () => grid.draw(+slider.value));
    canvas.addEventListener('mousemove', (e) => {
      const r = canvas.getBoundingClientRect();
      const h = Math.floor((e.clientY - r.top) / cell) * cols + Math.floor((e.clientX - r.left) / cell);
      if (h < 0 || h >= n || e.clientX - r.left >= cols * cell) return;
      const v = value(h, +slider.value);
      info.textContent = 'home ' + h + ': ' + homes.clients[h] + ' clients, ' +
        (v === null ? 'no data' : Math.round((100 * v) / 255) + ' % connected') + ' at ' + label.textContent;
    });
    grid.draw(+slider.value);
    return grid;
  }

  function renderFleet() {
    if (!runs.some((r) => get(r.report, 'metrics.homes.clients'))) return;
    const s = section('Fleet', 'fleet');
    s.appendChild(el('p', { class: 'muted', text: 'One cell per home (home 0 top left, row by row), coloured by the fraction of its ' +
      'clients connected at the end of the chosen bucket: green all, red none; grey cells have no clients. ' +
      'Per-account clients are not in any home.' }));
    const grids = runs.map((run, i) => fleetGrid(s, run, i));
    window.mqttbedReport.fleet = grids;
    runs.forEach((run, i) => {
      const omitted = get(run.report, 'metrics.homes.omitted');
      if (omitted) s.appendChild(el('p', { class: 'muted', text: (two ? 'Run ' + runName(i) + ': ' : '') + omitted +
        ' homes beyond the first ' + get(run.report, 'metrics.homes.max_homes') + ' are not shown.' }));
    });
  }

  // ---- device lookup -------------------------------------------------------------------

  // metrics.timelines: connection timelines of a sample of clients; type an id to see one.
  function timelineDetail(e) {
    const parts = [];
    if (e.event === 'connect_sent') parts.push(e.detail || '', e.will ? 'with will' : 'no will');
    else if (e.event === 'connack') parts.push(e.code === 0 ? 'accepted' : 'refused, code ' + e.code, e.session_present ? 'session present' : 'no session');
    else if (e.detail) parts.push(e.detail);
    return parts.filter((p) => p).join(', ');
  }
  const TIMELINE_CLASS = { connection_lost: 'fail', connect_failed: 'fail', will_delivered: 'fail', connack: 'pass' };

  function renderDeviceLookup() {
    const blocks = runs.map((r) => get(r.report, 'metrics.timelines'));
    if (!blocks.some((b) => b && b.clients)) return;
    const s = section('Device lookup', 'device-lookup');
    const names = unionKeys(blocks.map((b) => b && b.clients));
    const counts = blocks.filter((b) => b).map((b) => (b.selection === 'all' ? 'all ' : '') + Object.keys(b.clients).length +
      ' of ' + b.clients_total + ' clients');
    s.appendChild(el('p', { class: 'muted', text: 'Connection timelines (' + counts.join('; ') + '): every client of a fleet of at most ' +
      (blocks.find((b) => b) || {}).max_clients + ', else those in violations and the first client of each home. Type a client id.' }));
    const list = el('datalist', { id: 'device-ids' }, names.map((n) => el('option', { value: n })));
    const input = el('input', { type: 'text', id: 'device-input', placeholder: 'acct1-home1-gateway0', size: 40, spellcheck: false, autocomplete: 'off' });
    input.setAttribute('list', 'device-ids');
    const out = el('div', { id: 'device-timeline' });
    s.appendChild(el('div', { class: 'fleet-controls' }, [el('label', { for: 'device-input', text: 'client id ' }), input, list]));
    s.appendChild(out);
    const show = () => {
      const id = input.value.trim();
      out.textContent = '';
      if (!id) return;
      let found = false;
      blocks.forEach((b, i) => {
        const c = b && b.clients && b.clients[id];
        if (!c) return;
        found = true;
        if (two) out.appendChild(el('h3', { text: 'Run ' + runName(i) }));
        const table = el('table', { class: 'timeline', 'data-client': id }, [el('tr', {}, [el('th', { text: 'time' }),
          el('th', { class: 'name', text: 'event' }), el('th', { class: 'name', text: 'details' })])]);
        for (const e of c.events) {
          table.appendChild(el('tr', { 'data-event': e.event, 'data-t': String(e.t_s) }, [el('td', { class: 'mono', text: e.t_s.toFixed(3) + ' s' }),
            el('td', { class: 'name ' + (TIMELINE_CLASS[e.event] || ''), text: e.event }), el('td', { class: 'name', text: timelineDetail(e) })]));
        }
        out.appendChild(table);
        if (c.omitted) out.appendChild(el('p', { class: 'muted', text: c.omitted + ' later events not kept (at most ' + b.max_events + ' per client).' }));
      });
      if (!found) {
        const prefix = names.filter((n) => n.startsWith(id)).slice(0, 8);
        out.appendChild(el('p', { class: 'muted', text: 'No timeline for "' + id + '"' +
          (prefix.length ? '; did you mean ' + prefix.join(', ') + '?' : ' in this report\'s sample.') }));
      }
    };
    input.addEventListener('input', show);
  }

  // ---- latency -------------------------------------------------------------------------

  function latencyGroups() {
    const groups = [['all', 'metrics.latency.all'], ['qos0', 'metrics.latency.qos0'],
      ['qos1', 'metrics.latency.qos1'], ['qos2', 'metrics.latency.qos2']];
    const kinds = unionKeys(runs.map((r) => get(r.report, 'metrics.latency.by_kind')));
    for (const k of kinds) groups.push(['kind ' + k, 'metrics.latency.by_kind.' + k]);
    groups.push(['shadow convergence', 'metrics.shadow_convergence']);
    groups.push(['command round trip', 'metrics.command_round_trip']);
    return groups;
  }

  // Two runs compared get fewer columns (each stat takes A, B and Δ).
  const STATS = two ? ['count', 'p50_s', 'p90_s', 'p99_s', 'max_s']
    : ['count', 'min_s', 'p50_s', 'p90_s', 'p99_s', 'p999_s', 'max_s', 'mean_s'];

  function renderLatency() {
    const s = section('Latency', 'latency');
    s.appendChild(el('p', { class: 'muted', text: 'Publish → deliver latency in ' + TIME_NAME + ', by delivered QoS and by publisher kind. ' +
      (two ? 'Cells differing by more than 5% between runs are highlighted.' : '') }));
    const table = el('table', { id: 'latency-table', class: two ? 'two' : '' });
    const head = [el('th', { class: 'name', text: 'samples', rowSpan: two ? 2 : 1 })];
    if (two) {
      STATS.forEach((k) => head.push(el('th', { text: k.replace(/_s$/, ''), colSpan: 3 })));
      table.appendChild(el('tr', {}, head));
      const head2 = [];
      STATS.forEach(() => head2.push(el('th', { text: 'A' }), el('th', { text: 'B' }), el('th', { text: 'Δ' })));
      table.appendChild(el('tr', {}, head2));
    } else {
      table.appendChild(el('tr', {}, head.concat(STATS.map((k) => el('th', { text: k.replace(/_s$/, '') })))));
    }
    const groups = latencyGroups();
    for (const [name, path] of groups) {
      const row = el('tr', { 'data-group': name }, [el('td', { class: 'name', text: name })]);
      let differs = false;
      for (const stat of STATS) {
        const values = runs.map((r) => get(r.report, path + '.' + stat));
        const format = stat === 'count' ? fmtNumber : fmtSeconds;
        const cells = valueCells(values, format, stat === 'count' ? 0 : 0.05);
        differs = differs || cells.differs;
        cells.cells.forEach((c) => row.appendChild(c));
      }
      if (differs) row.classList.add('diff');
      table.appendChild(row);
    }
    s.appendChild(table);

    s.appendChild(el('h3', { text: 'Latency histograms' }));
    s.appendChild(el('p', { class: 'muted', text: 'Samples per latency bin (8 bins per doubling), log latency axis.' }));
    const grid = el('div', { class: 'hist-grid' });
    s.appendChild(grid);
    for (const [name, path] of groups) {
      if (name === 'all') continue;
      histogramChart(grid, name, path);
    }
  }

  const BINS_PER_DOUBLING = 8;
  const HIST_WIDTH = 552;

  // Re-bins report.json's fine buckets ([lower_ns, upper_ns, count], 128 per doubling) into
  // coarser log bins so a histogram reads at a glance.
  function rebin(buckets) {
    const bins = new Map();
    for (const [lower, upper, count] of buckets || []) {
      const mid = Math.max(1, (lower + upper) / 2);
      const bin = Math.floor(Math.log2(mid) * BINS_PER_DOUBLING);
      bins.set(bin, (bins.get(bin) || 0) + count);
    }
    return bins;
  }

  function histogramChart(parent, name, path) {
    const binned = runs.map((r) => rebin(get(r.report, path + '.buckets_ns')));
    const all = [];
    for (const b of binned) for (const k of b.keys()) all.push(k);
    if (!all.length) return;
    const lo = Math.min(...all) - 1;
    const hi = Math.max(...all) + 1;
    const xs = [];
    const ys = runs.map(() => []);
    for (let bin = lo; bin <= hi; ++bin) {
      xs.push(Math.pow(2, bin / BINS_PER_DOUBLING) / 1e6);  // bin's lower edge in ms
      binned.forEach((b, i) => ys[i].push(b.get(bin) || 0));
    }
    const box = el('div', { class: 'chart hist-chart', id: 'hist-' + name.replace(/\s+/g, '-') }, [el('h3', { text: name })]);
    parent.appendChild(box);
    const opts = {
      width: Math.min(chartWidth(), HIST_WIDTH),
      height: 180,
      scales: { x: { time: false, distr: 3 } },
      axes: [{ label: 'latency (ms)', values: (u, ticks) => ticks.map(fmtSi) }, { values: (u, ticks) => ticks.map(fmtSi), size: 50 }],
      series: [{ label: 'ms', value: (u, v) => (v === null || v === undefined ? '–' : fmtSeconds(v / 1e3)) }].concat(runs.map((r, i) => ({
        label: two ? 'run ' + runName(i) : 'samples',
        stroke: RUN_COLORS[i],
        fill: i === 0 ? 'rgba(31,119,180,0.25)' : 'rgba(214,39,40,0.18)',
        width: 1,
        paths: uPlot.paths.bars({ size: [1, Infinity], align: 1 }),
        points: { show: false },
      }))),
    };
    const plot = new uPlot(opts, [xs].concat(ys), box);
    charts['hist ' + name] = plot;
    box.setAttribute('data-points', String(xs.length));
  }

  // ---- page ----------------------------------------------------------------------------

  function render() {
    if (!runs.length) { root.appendChild(el('p', { text: 'No report data in this page.' })); return; }
    renderRuns();
    renderVerdicts();
    renderTimeSeries();
    renderFleet();
    renderDeviceLookup();
    renderLatency();
    renderSummary();
    window.addEventListener('resize', () => {
      for (const plot of Object.values(charts)) {
        const isHist = plot.root.parentElement.classList.contains('hist-chart');
        plot.setSize({ width: isHist ? Math.min(chartWidth(), HIST_WIDTH) : chartWidth(), height: plot.height });
      }
    });
    document.body.setAttribute('data-rendered', 'true');
  }

  render();
})();
