import { STATUS_LABELS } from './status';

/**
 * The HTML report's inline script (plain ES2017, no framework). It reads the report from the
 * `audit-data` JSON element and renders the totals, the filters, the tenant-by-rule matrix and
 * the evidence panel. Every text goes in through textContent or an attribute, never as markup.
 *
 * Kept as a raw string: no backticks and no `${` inside, and nothing that reads the clock, so
 * the page is the same for the same report. The status labels come from STATUS_LABELS, so the
 * page words them as every other format does.
 */
const SCRIPT = String.raw`
(function () {
  'use strict';

  var report = JSON.parse(document.getElementById('audit-data').textContent);

  var LABELS = /*STATUS_LABELS*/;
  var STATUS = {
    pass: { label: LABELS.pass, symbol: '\u2713' },
    fail: { label: LABELS.fail, symbol: '\u2717' },
    error: { label: LABELS.error, symbol: '!' },
    'not-applicable': { label: LABELS['not-applicable'], symbol: '\u2013' },
    none: { label: 'no result', symbol: '\u00b7' }
  };
  var STATUS_ORDER = ['pass', 'fail', 'error', 'not-applicable'];
  var SEVERITIES = ['high', 'medium', 'low'];

  var rulesById = new Map();
  report.rules.forEach(function (rule) { rulesById.set(rule.id, rule); });

  function h(tag, attributes, children) {
    var el = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      var value = attributes[name];
      if (value === undefined || value === null || value === false) return;
      if (name === 'text') el.textContent = String(value);
      else if (name === 'className') el.className = value;
      else if (name === 'onclick') el.addEventListener('click', value);
      else if (name === 'oninput') el.addEventListener('input', value);
      else if (name === 'onchange') el.addEventListener('change', value);
      else el.setAttribute(name, value === true ? '' : String(value));
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      el.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return el;
  }

  function clear(el) {
    while (el.firstChild) el.removeChild(el.firstChild);
    return el;
  }

  function resultFor(tenant, ruleId) {
    for (var i = 0; i < tenant.results.length; i++) if (tenant.results[i].ruleId === ruleId) return tenant.results[i];
    return undefined;
  }

  function needsAttention(result) {
    return result.status === 'fail' || result.status === 'error';
  }

  function badge(status) {
    var s = STATUS[status] || STATUS.none;
    return h('span', { className: 'badge s-' + status, 'data-status': status }, [h('span', { 'aria-hidden': 'true', text: s.symbol }), ' ' + s.label]);
  }

  /* Values: strings as they are (a JSON document in a string pretty-printed), the rest as JSON. */
  function valueText(value) {
    if (value === undefined) return '(absent)';
    if (typeof value === 'string') {
      var trimmed = value.trim();
      if (trimmed.charAt(0) === '{' || trimmed.charAt(0) === '[') {
        try {
          var parsed = JSON.parse(trimmed);
          if (parsed !== null && typeof parsed === 'object') return JSON.stringify(parsed, null, 2);
        } catch (ignored) { /* not JSON: shown as it is */ }
      }
      return value === '' ? '""' : value;
    }
    return JSON.stringify(value, null, 2);
  }

  function evidenceTable(evidence) {
    if (evidence.length === 0) return h('p', { className: 'muted', text: 'No evidence recorded.' });
    return h('table', { className: 'evidence' }, [
      h('thead', {}, [h('tr', {}, ['Stack', 'Address', 'Attribute', 'Value'].map(function (title) { return h('th', { scope: 'col', text: title }); }))]),
      h('tbody', {}, evidence.map(function (e) {
        return h('tr', {}, [
          h('td', { 'data-field': 'stack' }, [h('code', { text: e.stack })]),
          h('td', { 'data-field': 'address' }, [h('code', { text: e.address })]),
          h('td', { 'data-field': 'attribute' }, [h('code', { text: e.attribute })]),
          h('td', { 'data-field': 'value' }, [h('pre', { text: valueText(e.value) })])
        ]);
      }))
    ]);
  }

  function ruleFacts(rule) {
    if (!rule) return null;
    return h('p', { className: 'rule-facts' }, [
      h('strong', { text: rule.title }),
      ' \u00b7 severity ' + rule.severity + ' \u00b7 tiers ' + (rule.tiers.join(', ') || 'none') + ' \u00b7 contract ' + rule.contract,
      h('br'),
      h('span', { className: 'muted', text: rule.rationale })
    ]);
  }

  /* ---- totals ---- */

  function renderTotals() {
    var t = report.totals;
    var items = [
      ['tenants', 'Tenants', t.tenants],
      ['pass', 'Pass', t.pass],
      ['fail', 'Fail', t.fail],
      ['error', 'Error', t.error],
      ['not-applicable', 'Not applicable', t.notApplicable],
      ['tenants-failing', 'Tenants failing', t.tenantsFailing]
    ];
    var list = clear(document.getElementById('totals'));
    items.forEach(function (item) {
      list.appendChild(h('div', { className: 'total t-' + item[0], 'data-total': item[0] }, [h('dt', { text: item[1] }), h('dd', { text: String(item[2]) })]));
    });
  }

  /* ---- filters ---- */

  var filters = {};

  function select(id, label, options) {
    var el = h('select', { id: id, onchange: applyFilters }, options.map(function (o) { return h('option', { value: o[0], text: o[1] }); }));
    filters[id] = el;
    return h('label', { 'for': id }, [label + ' ', el]);
  }

  function renderFilters() {
    var tiers = [];
    report.tenants.forEach(function (t) { if (tiers.indexOf(t.tier) < 0) tiers.push(t.tier); });
    report.rules.forEach(function (r) { r.tiers.forEach(function (tier) { if (tiers.indexOf(tier) < 0) tiers.push(tier); }); });
    tiers.sort();
    var search = h('input', { id: 'filter-search', type: 'search', placeholder: 'tenant id', autocomplete: 'off', oninput: applyFilters });
    filters['filter-search'] = search;
    var form = clear(document.getElementById('filters'));
    form.appendChild(select('filter-tier', 'Tier', [['', 'All tiers']].concat(tiers.map(function (tier) { return [tier, tier]; }))));
    form.appendChild(select('filter-status', 'Status', [
      ['', 'All tenants'],
      ['failing', 'Failing (fail or error)'],
      ['fail', 'With a fail'],
      ['error', 'With an error'],
      ['clean', 'Without fail or error']
    ]));
    form.appendChild(h('label', { 'for': 'filter-search' }, ['Tenant ', search]));
    form.appendChild(select('filter-severity', 'Rule severity', [['', 'All severities']].concat(SEVERITIES.map(function (s) { return [s, s]; }))));
    form.appendChild(h('output', { id: 'visible-count', 'aria-live': 'polite' }));
  }

  /* ---- matrix ---- */

  var rows = [];
  var columns = [];
  var emptyRow = null;
  var selected = null;

  function renderMatrix() {
    var table = clear(document.getElementById('matrix'));
    var headerCells = [h('th', { scope: 'col', text: 'Tenant' }), h('th', { scope: 'col', text: 'Tier' }), h('th', { scope: 'col', text: 'Status' })];
    columns = report.rules.map(function (rule) {
      var th = h('th', { scope: 'col', className: 'rule sev-' + rule.severity, 'data-rule': rule.id, 'data-severity': rule.severity, title: rule.title + ' (' + rule.severity + ')' }, [
        h('span', { className: 'rule-id', text: rule.id }),
        h('span', { className: 'severity', text: rule.severity })
      ]);
      headerCells.push(th);
      return { rule: rule, th: th, cells: [] };
    });
    table.appendChild(h('thead', {}, [h('tr', {}, headerCells)]));
    var body = h('tbody');
    rows = report.tenants.map(function (tenant) {
      var tr = h('tr', { 'data-tenant': tenant.tenantId, 'data-tier': tenant.tier }, [
        h('th', { scope: 'row' }, [h('button', { type: 'button', className: 'tenant-button', 'aria-controls': 'evidence', onclick: function () { showTenant(tenant, this); }, text: tenant.tenantId })]),
        h('td', { text: tenant.tier }),
        h('td', { className: 'tenant-status', text: tenant.status })
      ]);
      columns.forEach(function (column) {
        var td = matrixCell(tenant, column.rule, resultFor(tenant, column.rule.id));
        column.cells.push(td);
        tr.appendChild(td);
      });
      body.appendChild(tr);
      return { tenant: tenant, tr: tr };
    });
    emptyRow = h('tr', { className: 'empty' }, [h('td', { colspan: String(3 + columns.length), text: report.tenants.length === 0 ? 'No tenants were audited.' : 'No tenant matches the filters.' })]);
    body.appendChild(emptyRow);
    table.appendChild(body);
  }

  function matrixCell(tenant, rule, result) {
    var status = result ? result.status : 'none';
    var s = STATUS[status] || STATUS.none;
    var message = result ? result.message : 'No result for this rule.';
    var label = tenant.tenantId + ', ' + rule.id + ' ' + rule.title + ': ' + s.label + '. ' + message;
    var button = h('button', { type: 'button', className: 'cell-button', 'aria-label': label, 'aria-controls': 'evidence', disabled: !result }, [
      h('span', { 'aria-hidden': 'true', text: s.symbol }),
      ' ' + s.label
    ]);
    if (result) button.addEventListener('click', function () { showResult(tenant, result, button); });
    return h('td', { className: 'cell s-' + status, 'data-rule': rule.id, 'data-status': status, title: s.label + ': ' + message }, [button]);
  }

  function visibleRule(ruleId) {
    var severity = filters['filter-severity'].value;
    if (!severity) return true;
    var rule = rulesById.get(ruleId);
    return !!rule && rule.severity === severity;
  }

  function matchesStatus(tenant, wanted) {
    if (!wanted) return true;
    var results = tenant.results.filter(function (r) { return visibleRule(r.ruleId); });
    var has = function (status) { return results.some(function (r) { return r.status === status; }); };
    if (wanted === 'failing') return has('fail') || has('error');
    if (wanted === 'clean') return !has('fail') && !has('error');
    return has(wanted);
  }

  function applyFilters() {
    var tier = filters['filter-tier'].value;
    var status = filters['filter-status'].value;
    var query = filters['filter-search'].value.trim().toLowerCase();
    var severity = filters['filter-severity'].value;
    var shownColumns = 0;
    columns.forEach(function (column) {
      var show = !severity || column.rule.severity === severity;
      if (show) shownColumns++;
      column.th.hidden = !show;
      column.cells.forEach(function (td) { td.hidden = !show; });
    });
    var shownRows = 0;
    rows.forEach(function (row) {
      var t = row.tenant;
      var show = (!tier || t.tier === tier) && (!query || t.tenantId.toLowerCase().indexOf(query) >= 0) && matchesStatus(t, status);
      if (show) shownRows++;
      row.tr.hidden = !show;
    });
    emptyRow.hidden = shownRows > 0;
    document.getElementById('visible-count').textContent =
      'Showing ' + shownRows + ' of ' + rows.length + ' tenants, ' + shownColumns + ' of ' + columns.length + ' rules';
  }

  /* ---- evidence panel ---- */

  function markSelected(button) {
    if (selected) { selected.classList.remove('selected'); selected.setAttribute('aria-pressed', 'false'); }
    selected = button;
    if (button) { button.classList.add('selected'); button.setAttribute('aria-pressed', 'true'); }
  }

  function panel(headingText, children) {
    var section = clear(document.getElementById('evidence'));
    var heading = h('h2', { id: 'evidence-heading', tabindex: '-1', text: headingText });
    section.appendChild(heading);
    children.forEach(function (child) { if (child) section.appendChild(child); });
    heading.focus();
  }

  function showResult(tenant, result, button) {
    markSelected(button);
    var rule = rulesById.get(result.ruleId);
    panel(tenant.tenantId + ' \u00b7 ' + result.ruleId, [
      h('p', { className: 'result-line', 'data-tenant': tenant.tenantId, 'data-rule': result.ruleId }, [badge(result.status), ' ', h('span', { className: 'message', text: result.message })]),
      ruleFacts(rule),
      evidenceTable(result.evidence)
    ]);
  }

  function factList(items) {
    if (items.length === 0) return h('span', { className: 'muted', text: 'none' });
    return h('ul', {}, items.map(function (item) { return h('li', {}, [h('code', { text: item })]); }));
  }

  function showTenant(tenant, button) {
    markSelected(button);
    var ordered = tenant.results.filter(needsAttention).concat(tenant.results.filter(function (r) { return !needsAttention(r); }));
    var counts = STATUS_ORDER.map(function (status) {
      return tenant.results.filter(function (r) { return r.status === status; }).length + ' ' + STATUS[status].label;
    }).join(', ');
    panel('Tenant ' + tenant.tenantId, [
      h('dl', { className: 'facts' }, [
        h('dt', { text: 'Tier' }), h('dd', { text: tenant.tier }),
        h('dt', { text: 'Status' }), h('dd', { text: tenant.status }),
        h('dt', { text: 'Results' }), h('dd', { text: counts }),
        h('dt', { text: 'Evidence source' }), h('dd', { text: tenant.source }),
        h('dt', { text: 'Inputs' }), h('dd', {}, [factList(tenant.stacks.filter(function (s) { return s.problem === undefined; }).map(function (s) { return s.input; }))]),
        h('dt', { text: 'Problems' }), h('dd', { className: tenant.problems.length ? 'problems' : '' }, [factList(tenant.problems)])
      ]),
      h('div', {}, ordered.map(function (result) {
        var rule = rulesById.get(result.ruleId);
        return h('section', { className: 'result', 'data-rule': result.ruleId, 'data-status': result.status }, [
          h('h3', {}, [badge(result.status), ' ' + result.ruleId + (rule ? ' \u2014 ' + rule.title : '')]),
          h('p', { className: 'message', text: result.message }),
          evidenceTable(result.evidence)
        ]);
      }))
    ]);
  }

  function renderLegend() {
    var legend = clear(document.getElementById('legend'));
    STATUS_ORDER.concat(['none']).forEach(function (status) {
      legend.appendChild(h('li', {}, [badge(status)]));
    });
  }

  renderTotals();
  renderFilters();
  renderMatrix();
  renderLegend();
  applyFilters();
  document.body.setAttribute('data-ready', 'true');
})();
`;

export const HTML_REPORT_SCRIPT = SCRIPT.replace('/*STATUS_LABELS*/', JSON.stringify(STATUS_LABELS));
