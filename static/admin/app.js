// The admin page's script: no framework, no build. It fetches /admin/api/overview with the admin token the
// user typed (kept in sessionStorage, so it leaves with the tab) and renders every value with textContent.
'use strict';

const TOKEN_KEY = 'scim-bridge-admin-token';
const $ = (id) => document.getElementById(id);
/** Counts rendered answers; body[data-loaded] tells a waiting browser test that a new one is on the page. */
let loads = 0;

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text === null || text === undefined ? '' : String(text);
  if (className) td.className = className;
  return td;
}

function fillRows(tableId, rows, columns, emptyText) {
  const body = $(tableId).querySelector('tbody');
  body.replaceChildren();
  if (rows.length === 0) {
    const tr = document.createElement('tr');
    const td = cell(emptyText, 'empty');
    td.colSpan = columns;
    tr.append(td);
    body.append(tr);
    return;
  }
  for (const cells of rows) {
    const tr = document.createElement('tr');
    tr.append(...cells);
    body.append(tr);
  }
}

function fillList(listId, pairs) {
  const list = $(listId);
  list.replaceChildren();
  for (const [term, value] of pairs) {
    const dt = document.createElement('dt');
    dt.textContent = term;
    const dd = document.createElement('dd');
    dd.textContent = String(value);
    list.append(dt, dd);
  }
}

function age(ms) {
  if (ms === null) return 'empty';
  const s = Math.round(ms / 1000);
  return s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${Math.round(s / 3600)} h`;
}

const when = (iso) => new Date(iso).toLocaleString();

function render(overview) {
  const { readiness, queue, resources, attention, recentAudit, lastReconcile } = overview;
  const badge = $('readiness');
  badge.textContent = readiness.ready ? 'Ready' : 'Not ready';
  badge.className = `badge ${readiness.ready ? 'ready' : 'not-ready'}`;
  $('checked').textContent =
    `store: ${readiness.store} · Asana token: ${readiness.asana}` + (readiness.reason ? ` · ${readiness.reason}` : '');

  fillList('queue', [
    ['Ready', queue.ready],
    ['Backing off', queue.backoff],
    ['Oldest item', age(queue.oldestAgeMs)],
  ]);
  const count = (type, state) => resources.find((r) => r.type === type && r.syncState === state)?.count ?? 0;
  fillRows(
    'resources',
    ['User', 'Group'].map((type) => [cell(`${type}s`), cell(count(type, 'synced')), cell(count(type, 'pending')), cell(count(type, 'failed'))]),
    4,
    '',
  );

  const summary = lastReconcile?.summary;
  fillList(
    'reconcile',
    lastReconcile
      ? [
          ['When', when(lastReconcile.at)],
          ['By', lastReconcile.actor],
          ['Outcome', lastReconcile.outcome],
          ...(summary
            ? [
                ['Compared', `${summary.usersCompared} users, ${summary.teamsCompared} teams`],
                ['Action', summary.action],
                ['Queued', summary.queued],
              ]
            : []),
        ]
      : [['When', 'never']],
  );
  fillRows(
    'drift',
    (summary?.drift ?? []).map((d) => {
      const who = d.userName ?? d.userId ?? `Asana user ${d.asanaUserGid}`;
      return [cell(d.kind), cell(d.groupId ? `${who} in ${d.groupName ?? d.groupId}` : who)];
    }),
    2,
    'No drift.',
  );

  fillRows(
    'attention',
    attention.map((r) => [
      cell(r.type),
      cell(r.name),
      cell(r.syncState, `state-${r.syncState}`),
      cell(r.attempts),
      cell(r.lastError ?? ''),
      cell(when(r.lastModified)),
    ]),
    6,
    'Nothing failed or pending.',
  );

  const q = $('q').value.trim();
  $('audit-title').textContent = q ? `Audit trail for “${q}”` : 'Recent audit trail';
  fillRows(
    'audit',
    recentAudit.map((e) => [
      cell(when(e.at)),
      cell(e.actor),
      cell(e.operation),
      cell(e.resourceType ? `${e.resourceType} ${e.subject ?? e.resourceId ?? ''}` : ''),
      cell(e.asanaCalls.map((c) => `${c.operation} ${c.status || 'no answer'} (${c.ms} ms)`).join(', ')),
      cell(e.httpStatus ? `${e.outcome} (${e.httpStatus})` : e.outcome),
      cell(e.operation === 'reconcile' ? '' : (e.detail ?? '')),
    ]),
    7,
    'No entries.',
  );
}

async function load() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) {
    $('main').hidden = true;
    $('login').hidden = false;
    return;
  }
  const q = $('q').value.trim();
  const response = await fetch(`/admin/api/overview${q ? `?q=${encodeURIComponent(q)}` : ''}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (response.status === 401) {
    sessionStorage.removeItem(TOKEN_KEY);
    $('login-error').textContent = 'That token was not accepted.';
    $('main').hidden = true;
    $('login').hidden = false;
    return;
  }
  render(await response.json());
  $('login-error').textContent = '';
  $('login').hidden = true;
  $('main').hidden = false;
  loads += 1;
  document.body.dataset.loaded = String(loads);
}

document.addEventListener('DOMContentLoaded', () => {
  $('login').addEventListener('submit', (event) => {
    event.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, $('token').value);
    $('token').value = '';
    void load();
  });
  $('search').addEventListener('submit', (event) => {
    event.preventDefault();
    void load();
  });
  $('clear').addEventListener('click', () => {
    $('q').value = '';
    void load();
  });
  void load();
});
