// The live page: draws what /api/ serves, then follows /events (server-sent events, one update a second).
// After each drawing a chart's element carries data-points (the points drawn) and a table's data-rows.
(function () {
  'use strict';

  var MAX_ROWS = 300;
  var MAX_ALERTS = 200;
  var COLOURS = ['#1f77b4', '#2ca02c', '#d62728', '#ff7f0e', '#9467bd', '#8c564b'];
  var NINES = 6;

  var history = null;
  var charts = {};
  var alerts = [];
  var filter = { rule: '', key: '' };
  var updates = 0;
  // ?updates=N stops following after N updates, so that a headless browser sees the page settle.
  var maxUpdates = Number(new URLSearchParams(window.location.search).get('updates')) || 0;

  function $(id) { return document.getElementById(id); }

  function getJson(path) {
    return fetch(path, { cache: 'no-store' }).then(function (response) {
      if (!response.ok) { throw new Error(path + ': HTTP ' + response.status); }
      return response.json();
    });
  }

  function number(value, digits) {
    if (value === null || value === undefined || isNaN(value)) { return '–'; }
    return Number(value).toLocaleString('en-US', { maximumFractionDigits: digits === undefined ? 0 : digits });
  }

  function cell(row, text, className) {
    var td = document.createElement('td');
    td.textContent = text;
    if (className) { td.className = className; }
    row.appendChild(td);
    return td;
  }

  function duration(ns) {
    var units = [[86400e9, 'd'], [3600e9, 'h'], [60e9, 'm'], [1e9, 's'], [1e6, 'ms'], [1e3, 'us'], [1, 'ns']];
    for (var i = 0; i < units.length; i++) {
      if (ns >= units[i][0] && ns % units[i][0] === 0) { return (ns / units[i][0]) + units[i][1]; }
    }
    for (var j = 0; j < units.length; j++) {
      if (ns >= units[j][0]) { return (ns / units[j][0]).toFixed(1) + units[j][1]; }
    }
    return ns + 'ns';
  }

  function time(ns) {
    if (!ns || ns <= 0) { return '–'; }
    return new Date(ns / 1e6).toISOString().replace('T', ' ').replace('Z', '');
  }

  function positive(values) {
    return values.map(function (v) { return v === null || !(v > 0) ? null : v; });
  }

  // --- charts -------------------------------------------------------------------------------------------------

  function size(container) {
    return { width: Math.max(320, container.clientWidth - 4), height: 220 };
  }

  function timeChart(id, labels, logY) {
    var container = $(id);
    var series = [{}];
    labels.forEach(function (label, i) {
      series.push({ label: label, stroke: COLOURS[i % COLOURS.length], width: 1.5, spanGaps: false });
    });
    var opts = Object.assign(size(container), {
      series: series,
      scales: { x: { time: true }, y: logY ? { distr: 3 } : { auto: true } },
      axes: [{}, { size: 70 }],
      legend: { live: true }
    });
    var empty = [[]];
    labels.forEach(function () { empty.push([]); });
    charts[id] = new uPlot(opts, empty, container);
  }

  function percentileChart(id) {
    var container = $(id);
    var splits = [];
    for (var n = 0; n <= NINES; n++) { splits.push(Math.pow(10, n)); }
    var opts = Object.assign(size(container), {
      series: [
        { label: 'percentile', value: function (u, v) { return v === null ? '–' : percentLabel(v); } },
        { label: 'round trip, \u00b5s', stroke: COLOURS[0], width: 1.5 }
      ],
      scales: { x: { time: false, distr: 3, range: [1, Math.pow(10, NINES)] }, y: { distr: 3 } },
      axes: [
        { splits: function () { return splits; }, values: function (u, vals) { return vals.map(percentLabel); } },
        { size: 70 }
      ]
    });
    charts[id] = new uPlot(opts, [[], []], container);
  }

  function percentLabel(x) {
    var p = 100 * (1 - 1 / x);
    if (p <= 0) { return '0%'; }
    var nines = Math.round(Math.log10(x));
    return p.toFixed(Math.max(0, nines - 2)) + '%';
  }

  function setChart(id, data) {
    charts[id].setData(data);
    $(id).setAttribute('data-points', String(data[0].length));
  }

  function drawHistory() {
    var r = history;
    setChart('chart-throughput', [r.t, r.received, r.decided, r.rejected]);
    setChart('chart-decisions', [r.t, r.approve, r.review, r.decline]);
    setChart('chart-latency', [r.t, positive(r.p50Us), positive(r.p90Us), positive(r.p99Us), positive(r.p999Us),
      positive(r.maxUs)]);
    setChart('chart-stages', [r.t, positive(r.rulesP50Us), positive(r.rulesP99Us), positive(r.journalP50Us),
      positive(r.journalP99Us), positive(r.egressP50Us), positive(r.egressP99Us)]);
  }

  function drawHistogram(histogram) {
    var xs = [];
    var ys = [];
    var cap = Math.pow(10, NINES);
    (histogram.points || []).forEach(function (point) {
      var p = point[0];
      var x = p >= 100 ? cap : Math.min(cap, 1 / (1 - p / 100));
      if (point[1] > 0 && (xs.length === 0 || x > xs[xs.length - 1])) {
        xs.push(x);
        ys.push(point[1]);
      }
    });
    setChart('chart-histogram', [xs, ys]);
  }

  function addSample(sample) {
    if (!sample || sample.t === undefined) { return; }
    Object.keys(history).forEach(function (column) {
      var values = history[column];
      values.push(sample[column]);
      if (values.length > MAX_ROWS) { values.shift(); }
    });
    drawHistory();
    drawSummary(sample);
  }

  function drawSummary(sample) {
    var s = $('summary');
    s.innerHTML = '';
    [['received/s', sample.received], ['decided/s', sample.decided], ['rejected/s', sample.rejected],
      ['alerts/s', sample.alerts], ['p50 \u00b5s', sample.p50Us], ['p99 \u00b5s', sample.p99Us]]
      .forEach(function (pair) {
        var span = document.createElement('span');
        span.textContent = pair[0] + ' ';
        var b = document.createElement('b');
        b.textContent = number(pair[1], pair[0].indexOf('\u00b5s') > 0 ? 1 : 0);
        span.appendChild(b);
        s.appendChild(span);
      });
  }

  // --- alert feed -----------------------------------------------------------------------------------------------

  function matches(entry) {
    return (!filter.rule || entry.rule === filter.rule) && (!filter.key || entry.key === filter.key);
  }

  function drawAlerts() {
    var body = $('alerts').tBodies[0];
    body.innerHTML = '';
    alerts.forEach(function (entry) {
      var a = entry.alert;
      var row = document.createElement('tr');
      row.setAttribute('data-rule', entry.rule);
      row.setAttribute('data-key', entry.key);
      cell(row, time(a.eventTimeNs));
      cell(row, entry.rule, 'rule');
      cell(row, entry.key);
      cell(row, number(a.observed), 'num');
      cell(row, number(a.threshold), 'num');
      cell(row, a.windowEndNs > a.windowStartNs ? duration(a.windowEndNs - a.windowStartNs) : '–');
      cell(row, a.action.toLowerCase().replace('_', ' '), 'action-' + a.action.toLowerCase());
      cell(row, String(a.engineSeq), 'num');
      body.appendChild(row);
    });
    $('alerts').setAttribute('data-rows', String(alerts.length));
  }

  function addAlerts(arrived) {
    for (var i = 0; i < arrived.length; i++) {
      if (matches(arrived[i])) { alerts.unshift(arrived[i]); }
    }
    if (alerts.length > MAX_ALERTS) { alerts.length = MAX_ALERTS; }
    drawAlerts();
  }

  function loadAlerts() {
    var query = '?limit=' + MAX_ALERTS + '&rule=' + encodeURIComponent(filter.rule) +
      '&key=' + encodeURIComponent(filter.key);
    return getJson('/api/alerts' + query).then(function (result) {
      alerts = result.alerts;
      $('alert-count').textContent = result.kept + ' kept';
      drawAlerts();
    });
  }

  // --- tables -----------------------------------------------------------------------------------------------------

  function drawWindows(windows) {
    var body = $('windows').tBodies[0];
    body.innerHTML = '';
    (windows.aggregations || []).forEach(function (w) {
      var row = document.createElement('tr');
      var r = w.latest;
      cell(row, w.name);
      cell(row, number(w.results), 'num');
      cell(row, r ? String(r.key) : '–');
      cell(row, r ? duration(r.windowEndNs - r.windowStartNs) + ' to ' + time(r.windowEndNs) : '–');
      cell(row, r ? number(r.count) : '–', 'num');
      cell(row, r ? number(r.sum) : '–', 'num');
      cell(row, r && r.count > 0 ? number(r.sum / r.count, 1) : '–', 'num');
      cell(row, r ? number(r.min) : '–', 'num');
      cell(row, r ? number(r.max) : '–', 'num');
      body.appendChild(row);
    });
    $('windows').setAttribute('data-rows', String((windows.aggregations || []).length));
    $('late').textContent = 'late events on the alert stream: ' + number(windows.lateEvents) +
      (windows.latestLateEvent ? ' (latest: key ' + windows.latestLateEvent.key + ', ' +
        windows.latestLateEvent.reason.toLowerCase() + ')' : '');
  }

  function drawRules(rules) {
    $('rules-source').textContent = rules.source ? 'from ' + rules.source : '';
    var body = $('rules').tBodies[0];
    body.innerHTML = '';
    var select = $('filter-rule');
    var known = {};
    Array.prototype.forEach.call(select.options, function (o) { known[o.value] = true; });
    (rules.rules || []).forEach(function (r) {
      var row = document.createElement('tr');
      cell(row, String(r.id), 'num');
      cell(row, r.name + (r.enabled ? '' : ' (disabled)'));
      cell(row, r.type);
      cell(row, r.key || '–');
      cell(row, r.action.replace('_', ' '), 'action-' + r.action);
      cell(row, r.window || '–');
      cell(row, number(r.alerts), 'num');
      cell(row, r.stateCapacity !== null && r.stateCapacity > 0 ? number(r.stateEntries) + ' / ' + number(r.stateCapacity) : '–', 'num');
      cell(row, r.definition, 'definition');
      body.appendChild(row);
      if (!known[r.name]) {
        var option = document.createElement('option');
        option.value = r.name;
        option.textContent = r.name;
        select.appendChild(option);
      }
    });
    $('rules').setAttribute('data-rows', String((rules.rules || []).length));
  }

  function fact(list, name, value) {
    var dt = document.createElement('dt');
    dt.textContent = name;
    var dd = document.createElement('dd');
    dd.textContent = value;
    list.appendChild(dt);
    list.appendChild(dd);
  }

  function drawEngine(e) {
    if (!e.events) { return; }
    var list = $('engine');
    list.innerHTML = '';
    var upS = e.startMs > 0 ? Math.max(0, Math.round((e.timeMs - e.startMs) / 1000)) : null;
    fact(list, 'process', 'pid ' + e.pid + (upS === null ? '' : ', up ' + Math.floor(upS / 3600) + 'h ' +
      Math.floor(upS / 60) % 60 + 'm ' + upS % 60 + 's') + ', profile ' + e.profile);
    fact(list, 'events', number(e.events.framesReceived) + ' received, ' + number(e.events.decided) +
      ' decided, ' + number(e.events.rejected) + ' rejected, ' + number(e.events.alertsRaised) + ' alerts');
    fact(list, 'ring', number(e.events.ringOccupancy) + ' slots taken (most ' +
      number(e.events.ringHighWaterMark) + ')');
    fact(list, 'watermark', e.time.watermarkNs > 0 ? time(e.time.watermarkNs) : 'none yet');
    fact(list, 'late events', number(e.time.lateEvents) + ' (window results ' + number(e.time.windowResults) +
      ', dropped ' + number(e.time.windowResultsDropped) + ')');
    fact(list, 'journal', e.journal.enabled ? number(e.journal.bytes) + ' bytes, ' + number(e.journal.fsyncs) +
      ' fsyncs, lag ' + number(e.journal.lagRecords) + ' records, durability ' + e.journal.durability +
      (e.journal.refused > 0 ? ', ' + number(e.journal.refused) + ' refused' : '') : 'off');
    fact(list, 'snapshots', number(e.snapshots.taken) + ' taken, ' + number(e.snapshots.failed) + ' failed' +
      (e.snapshots.taken > 0 ? '; last ' + number(e.snapshots.lastBytes) + ' bytes in ' +
        number(e.snapshots.lastDurationMs) + ' ms, rules stage stopped ' + number(e.snapshots.lastPauseUs) +
        ' \u00b5s' : '') + '; every ' + number(e.snapshots.intervalEvents) + ' events');
    fact(list, 'errors', number(e.errors.count) + ' (rule errors ' + number(e.errors.ruleErrors) + ')');
    fact(list, 'this page', number(e.page.viewers) + ' viewer(s), ' + number(e.page.updatesDropped) +
      ' update(s) dropped for slow viewers; alert stream ' + e.page.alertStream + ', ' +
      number(e.page.alertsReceived) + ' alerts received');
    fact(list, 'data dir', e.dataDir);
    fact(list, 'ingress', e.ingress);
    $('error-count').textContent = number(e.errors.count) + ' since start, ' + e.errors.log.length + ' distinct';
    var errors = $('errors');
    errors.innerHTML = '';
    if (e.errors.log.length === 0) {
      errors.textContent = 'none';
    }
    e.errors.log.forEach(function (entry) {
      var pre = document.createElement('pre');
      pre.className = 'error';
      pre.textContent = entry.count + ' time(s), first ' + new Date(entry.firstMs).toISOString() + ', last ' +
        new Date(entry.lastMs).toISOString() + '\n' + entry.text;
      errors.appendChild(pre);
    });
  }

  // --- updates ------------------------------------------------------------------------------------------------

  function onUpdate(update) {
    updates++;
    document.body.setAttribute('data-updates', String(updates));
    addSample(update.sample);
    addAlerts(update.alerts || []);
    drawHistogram(update.histogram);
    drawWindows(update.windows);
    drawRules(update.rules);
    drawEngine(update.engine);
  }

  function follow() {
    var connection = $('connection');
    var events = new EventSource('/events');
    events.addEventListener('open', function () {
      connection.setAttribute('data-state', 'live');
      connection.textContent = 'live';
    });
    events.addEventListener('update', function (event) {
      onUpdate(JSON.parse(event.data));
      if (maxUpdates > 0 && updates >= maxUpdates) {
        events.close();
        connection.setAttribute('data-state', 'stopped');
        connection.textContent = 'stopped after ' + updates + ' updates';
      }
    });
    events.addEventListener('error', function () {
      connection.setAttribute('data-state', 'lost');
      connection.textContent = 'reconnecting';
    });
  }

  function start() {
    timeChart('chart-throughput', ['received', 'decided', 'rejected'], false);
    timeChart('chart-decisions', ['approve', 'review', 'decline'], false);
    timeChart('chart-latency', ['p50', 'p90', 'p99', 'p99.9', 'max'], true);
    percentileChart('chart-histogram');
    timeChart('chart-stages', ['rules p50', 'rules p99', 'journal p50', 'journal p99', 'egress p50', 'egress p99'],
      true);
    $('filter-rule').addEventListener('change', function (event) { filter.rule = event.target.value; loadAlerts(); });
    $('filter-key').addEventListener('change', function (event) {
      filter.key = event.target.value.trim();
      loadAlerts();
    });
    Promise.all([getJson('/api/history'), getJson('/api/histogram'), getJson('/api/windows'),
      getJson('/api/rules'), getJson('/api/engine')])
      .then(function (results) {
        history = results[0].rows;
        var last = {};
        Object.keys(history).forEach(function (column) {
          last[column] = history[column][history[column].length - 1];
        });
        drawHistory();
        if (history.t.length > 0) { drawSummary(last); }
        drawHistogram(results[1]);
        drawWindows(results[2]);
        drawRules(results[3]);
        drawEngine(results[4]);
        return loadAlerts();
      })
      .then(function () {
        document.body.setAttribute('data-ready', 'true');
        follow();
      })
      .catch(function (error) {
        document.body.setAttribute('data-error', String(error));
      });
  }

  start();
})();
