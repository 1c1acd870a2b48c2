// Admin: accounts (GET/POST /api/v1/admin/users), and one account's page: enable or disable, role, a
// new password (PATCH /api/v1/admin/users/{id}) and the stations an operator runs (PUT
// /api/v1/admin/users/{id}/stations), found by id or with a search.

import { t } from '../i18n.js';
import { el } from '../ui.js';
import * as api from './api.js';
import { field, showFieldError, clearFieldErrors, showMessage, messageLine, busy, heading, when, scroller } from './common.js';

const roleKey = { admin: 'roleAdmin', operator: 'roleOperator' };
const roleLabel = (r) => t(roleKey[r] || r);

function roleSelect(id, value) {
  return el('select', { id, name: 'role' }, ['operator', 'admin'].map((r) => el('option', { value: r, selected: r === value }, roleLabel(r))));
}

/** Shows a refusal next to its field in form, or in msg. */
function refuse(form, msg, err) {
  if (err.field && form.querySelector(`[data-field="${CSS.escape(err.field)}"]`)) {
    showFieldError(form, err.field, err.detail || err.message);
    showMessage(msg, t('notSaved'), 'error');
  } else {
    showMessage(msg, err.message, 'error');
  }
}

/** The account list and the form that creates one. */
export async function renderUsers(view) {
  const name = field('username', t('username'), el('input', { type: 'text', name: 'username', autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false', maxlength: '64' }));
  const pass = field('password', t('newPassword'), el('input', { type: 'password', name: 'password', autocomplete: 'new-password' }), t('passwordRule'));
  const role = field('role', t('role'), roleSelect('new-role', 'operator'));
  const msg = messageLine();
  const create = el('button', { type: 'submit', class: 'primary' }, t('createUser'));
  const form = el('form', { class: 'create-user', novalidate: true }, name.wrap, pass.wrap, role.wrap, create, msg);
  const list = el('div', { id: 'users', 'aria-busy': 'true' });

  async function load() {
    list.setAttribute('aria-busy', 'true');
    try {
      const { users } = await api.get('/api/v1/admin/users');
      const rows = users.map((u) => el('tr', { 'data-id': String(u.id), 'data-username': u.username },
        el('th', { scope: 'row' }, el('a', { href: `#/user/${u.id}` }, u.username)),
        el('td', {}, roleLabel(u.role)),
        el('td', {}, u.disabled ? t('userDisabled') : t('userEnabled')),
        el('td', {}, u.role === 'operator' ? String(u.station_ids.length) : '—')));
      list.replaceChildren(scroller(el('table', { class: 'users' },
        el('thead', {}, el('tr', {}, [t('username'), t('role'), t('userState'), t('stationsColumn')].map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, rows)), t('accounts')));
    } catch (e) {
      list.replaceChildren(el('p', { class: 'error' }, e.message));
    } finally {
      list.removeAttribute('aria-busy');
    }
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    busy(create, async () => {
      try {
        const { data } = await api.request('POST', '/api/v1/admin/users', {
          json: { username: name.input.value.trim(), password: pass.input.value, role: role.input.value },
        });
        form.reset();
        msg.replaceChildren(t('userCreated', data.username), ' ', el('a', { href: `#/user/${data.id}`, id: 'new-user-link' }, t('openUser', data.username)));
        msg.dataset.kind = 'ok';
        msg.hidden = false;
        load();
      } catch (err) {
        refuse(form, msg, err);
      }
    });
  });

  view.replaceChildren(el('div', { class: 'screen' }, heading(t('accounts')),
    el('section', { 'aria-labelledby': 'h-new-user' }, el('h3', { id: 'h-new-user' }, t('createUserTitle')), form),
    el('section', { 'aria-labelledby': 'h-users' }, el('h3', { id: 'h-users' }, t('accountList')), list)));
  load();
}

/** One account's page. */
export async function renderUser(view, id) {
  const title = heading(t('loading'));
  const root = el('div', { class: 'screen' }, el('p', {}, el('a', { href: '#/users', class: 'back' }, t('backToUsers'))), title);
  view.replaceChildren(root);
  let user;
  try {
    const { users } = await api.get('/api/v1/admin/users');
    user = users.find((u) => String(u.id) === String(id));
  } catch (e) {
    root.append(el('p', { class: 'error' }, e.message));
    return;
  }
  if (!user) {
    title.textContent = t('userNotFound');
    return;
  }
  title.textContent = user.username;
  const facts = el('dl', { class: 'facts' });
  const drawFacts = () => facts.replaceChildren(
    el('dt', {}, t('role')), el('dd', {}, roleLabel(user.role)),
    el('dt', {}, t('userState')), el('dd', { id: 'user-state' }, user.disabled ? t('userDisabled') : t('userEnabled')),
    el('dt', {}, t('createdAt')), el('dd', {}, when(user.created_at)));
  drawFacts();

  const patch = async (body, msg, form) => {
    clearFieldErrors(form);
    try {
      const { data } = await api.request('PATCH', `/api/v1/admin/users/${user.id}`, { json: body });
      user = data;
      drawFacts();
      return true;
    } catch (err) {
      refuse(form, msg, err);
      return false;
    }
  };

  // Enable or disable.
  const stateMsg = messageLine();
  const toggle = el('button', { type: 'button', class: 'secondary', id: 'toggle-disabled' });
  const drawToggle = () => { toggle.textContent = user.disabled ? t('enableUser') : t('disableUser'); };
  drawToggle();
  const stateForm = el('div', { class: 'actions' }, toggle, stateMsg);
  toggle.addEventListener('click', () => busy(toggle, async () => {
    if (await patch({ disabled: !user.disabled }, stateMsg, stateForm)) {
      drawToggle();
      showMessage(stateMsg, user.disabled ? t('userNowDisabled') : t('userNowEnabled'), 'ok');
    }
  }));

  // Role.
  const role = field('role', t('role'), roleSelect('user-role', user.role));
  const roleMsg = messageLine();
  const roleBtn = el('button', { type: 'submit', class: 'secondary' }, t('changeRole'));
  const roleForm = el('form', { class: 'inline-form', novalidate: true }, role.wrap, roleBtn, roleMsg);
  roleForm.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(roleBtn, async () => {
      if (await patch({ role: role.input.value }, roleMsg, roleForm)) {
        showMessage(roleMsg, t('roleChanged', roleLabel(user.role)), 'ok');
        drawStations();
      }
    });
  });

  // New password.
  const pw = field('password', t('newPassword'), el('input', { type: 'password', name: 'password', autocomplete: 'new-password', id: 'reset-password' }), t('passwordRule'));
  const pwMsg = messageLine();
  const pwBtn = el('button', { type: 'submit', class: 'secondary' }, t('resetPassword'));
  const pwForm = el('form', { class: 'inline-form', novalidate: true }, pw.wrap, pwBtn, pwMsg);
  pwForm.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(pwBtn, async () => {
      if (await patch({ password: pw.input.value }, pwMsg, pwForm)) {
        pw.input.value = '';
        showMessage(pwMsg, t('passwordReset'), 'ok');
      }
    });
  });

  // Stations (operators only).
  const stationsBox = el('section', { 'aria-labelledby': 'h-assign' });
  let ids = [...user.station_ids];
  const names = new Map();
  function drawStations() {
    if (user.role !== 'operator') {
      stationsBox.replaceChildren(el('h3', { id: 'h-assign' }, t('assignedStations')), el('p', {}, t('adminsRunAll')));
      return;
    }
    const assigned = el('ul', { class: 'assigned', id: 'assigned' });
    const drawAssigned = () => {
      assigned.replaceChildren(...ids.map((sid, i) => el('li', { 'data-id': sid },
        el('span', { class: 'name' }, names.get(sid) || ''), ' ', el('span', { class: 'id' }, sid),
        el('button', {
          type: 'button', class: 'remove', 'aria-label': t('unassign', sid),
          onclick: () => { ids.splice(i, 1); drawAssigned(); showMessage(saveMsg, t('unsavedAssignments')); },
        }, '✕'))));
      if (!ids.length) assigned.append(el('li', { class: 'empty' }, t('noStationsAssigned')));
    };
    const add = (sid, name) => {
      if (!sid || ids.includes(sid)) return;
      ids.push(sid);
      if (name) names.set(sid, name);
      drawAssigned();
      showMessage(saveMsg, t('unsavedAssignments'));
    };
    const byId = field('station_ids', t('addById'), el('input', { type: 'text', id: 'assign-id', autocomplete: 'off', spellcheck: 'false' }), t('addByIdHint'));
    const addBtn = el('button', { type: 'button', class: 'secondary', id: 'assign-add' }, t('add'));
    addBtn.addEventListener('click', () => {
      for (const sid of byId.input.value.split(/[\s,，、;]+/)) add(sid.trim());
      byId.input.value = '';
    });
    const search = field('station-search', t('searchStations'), el('input', { type: 'search', id: 'assign-search', autocomplete: 'off' }));
    const results = el('ul', { class: 'search-results', id: 'assign-results', 'aria-live': 'polite' });
    let seq = 0;
    let timer;
    search.input.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const q = search.input.value.trim();
        const mine = ++seq;
        if (!q) { results.replaceChildren(); return; }
        try {
          const fc = await api.get(api.withQuery('/api/v1/search', { q, limit: 20 }));
          if (mine !== seq) return;
          results.replaceChildren(...(fc.features.length ? fc.features.map((f) => el('li', { 'data-id': f.id },
            el('span', { class: 'name' }, f.properties.name), ' ', el('span', { class: 'id' }, f.id),
            el('button', { type: 'button', class: 'secondary', 'aria-label': t('assignStation', f.properties.name), onclick: () => add(f.id, f.properties.name) }, t('add'))))
            : [el('li', { class: 'empty' }, t('noResults'))]));
        } catch (e) {
          if (mine === seq) results.replaceChildren(el('li', { class: 'error' }, e.message));
        }
      }, 300);
    });
    const saveMsg = messageLine();
    const save = el('button', { type: 'submit', class: 'primary', id: 'assign-save' }, t('saveAssignments'));
    const form = el('form', { class: 'assign', novalidate: true }, assigned, byId.wrap, addBtn, search.wrap, results, save, saveMsg);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      clearFieldErrors(form);
      busy(save, async () => {
        try {
          const { data } = await api.request('PUT', `/api/v1/admin/users/${user.id}/stations`, { json: { station_ids: ids } });
          user = data;
          ids = [...user.station_ids];
          drawAssigned();
          showMessage(saveMsg, t('assignmentsSaved', ids.length), 'ok');
        } catch (err) {
          refuse(form, saveMsg, err);
        }
      });
    });
    stationsBox.replaceChildren(el('h3', { id: 'h-assign' }, t('assignedStations')), form);
    drawAssigned();
    // Names for the ids, looked up one by one (an operator runs a handful of stations).
    ids.slice(0, 50).filter((sid) => !names.has(sid)).forEach(async (sid) => {
      try {
        const f = await api.get(api.stationPath(sid));
        names.set(sid, f.properties.name);
        const li = assigned.querySelector(`li[data-id="${CSS.escape(sid)}"] .name`);
        if (li) li.textContent = f.properties.name;
      } catch { /* a station that is gone: the id alone */ }
    });
  }
  drawStations();

  root.append(facts,
    el('section', { 'aria-labelledby': 'h-access' }, el('h3', { id: 'h-access' }, t('access')), stateForm, roleForm, pwForm),
    stationsBox);
}
