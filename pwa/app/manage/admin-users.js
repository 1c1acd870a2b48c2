// Admin: accounts (GET/POST /api/v1/admin/users), and one account's page: who it belongs to and their
// phone, enable or disable, role, a new password (PATCH /api/v1/admin/users/{id}) and the stations an
// operator runs (PUT /api/v1/admin/users/{id}/stations), found by id, with a search or a district at a
// time. Passwords can be generated (shown once, to copy). What is typed survives a language switch.

import { t } from '../i18n.js';
import { el } from '../ui.js';
import * as api from './api.js';
import { field, showFieldError, clearFieldErrors, showMessage, messageLine, busy, heading, when, scroller, holdWork, takeDraft } from './common.js';
import { generatePassword } from './password.js';
import * as areas from '../areas.js';

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

/**
 * A password field with a "generate" button: the generated password is put in the field and shown
 * once in a box with a copy button. Returns {wrap, input, error, forget()}.
 */
function passwordField(id) {
  const pass = field('password', t('newPassword'), el('input', { type: 'password', name: 'password', autocomplete: 'new-password', id }), t('passwordRule'));
  const shown = el('span', { class: 'pw', id: `${id}-shown` });
  const copied = messageLine();
  const copy = el('button', { type: 'button', class: 'secondary', id: `${id}-copy` }, t('copyPassword'));
  const box = el('div', { class: 'secret', id: `${id}-box`, hidden: true }, shown, copy, el('p', { class: 'hint' }, t('passwordOnce')), copied);
  const make = el('button', { type: 'button', class: 'secondary', id: `${id}-generate` }, t('generatePassword'));
  const reveal = (value) => {
    pass.input.value = value;
    shown.textContent = value;
    showMessage(copied, '');
    box.hidden = false;
  };
  make.addEventListener('click', () => reveal(generatePassword()));
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(shown.textContent);
      showMessage(copied, t('passwordCopied'), 'ok');
    } catch {
      // No clipboard (an old browser, no permission): select it so that a long press copies it.
      getSelection().selectAllChildren(shown);
      showMessage(copied, t('passwordSelectToCopy'));
    }
  });
  // Typing a password of her own hides the generated one.
  pass.input.addEventListener('input', () => { if (pass.input.value !== shown.textContent) box.hidden = true; });
  const wrap = el('div', {}, el('div', { class: 'pw-row' }, pass.wrap, make), box);
  return { wrap, input: pass.input, error: pass.error, box, reveal };
}

/** The display name and phone fields of an account. */
function contactFields(prefix, user = {}) {
  const displayName = field('display_name', t('displayName'), el('input', { type: 'text', name: 'display_name', id: `${prefix}-display-name`, autocomplete: 'off', maxlength: '64' }), t('displayNameHint'));
  const phone = field('phone', t('phone'), el('input', { type: 'tel', name: 'phone', id: `${prefix}-phone`, autocomplete: 'off', inputmode: 'tel', maxlength: '50' }));
  displayName.input.value = user.display_name || '';
  phone.input.value = user.phone || '';
  return { displayName, phone };
}

/** The account list and the form that creates one. */
export async function renderUsers(view) {
  const draft = takeDraft('#/users');
  const name = field('username', t('username'), el('input', { type: 'text', name: 'username', autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false', maxlength: '64' }), t('usernameHint'));
  const { displayName, phone } = contactFields('new');
  const pass = passwordField('new-password');
  const role = field('role', t('role'), roleSelect('new-role', 'operator'));
  const msg = messageLine();
  const create = el('button', { type: 'submit', class: 'primary' }, t('createUser'));
  const form = el('form', { class: 'create-user', novalidate: true }, name.wrap, displayName.wrap, phone.wrap, pass.wrap, role.wrap, create, msg);
  const list = el('div', { id: 'users', 'aria-busy': 'true' });
  const inputs = { username: name.input, display_name: displayName.input, phone: phone.input, password: pass.input, role: role.input };
  if (draft) {
    for (const [k, input] of Object.entries(inputs)) input.value = draft[k] ?? '';
    if (draft.password && draft.generated) pass.reveal(draft.password);
  }
  holdWork('#/users', {
    dirty: () => ['username', 'display_name', 'phone', 'password'].some((k) => inputs[k].value !== ''),
    read: () => ({ ...Object.fromEntries(Object.entries(inputs).map(([k, i]) => [k, i.value])), generated: !pass.box.hidden }),
  });

  async function load() {
    list.setAttribute('aria-busy', 'true');
    try {
      const { users } = await api.get('/api/v1/admin/users');
      const rows = users.map((u) => el('tr', { 'data-id': String(u.id), 'data-username': u.username },
        el('th', { scope: 'row' }, el('a', { href: `#/user/${u.id}` }, u.username),
          u.display_name || u.phone ? el('span', { class: 'contact' }, [u.display_name, u.phone].filter(Boolean).join(' · ')) : null),
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
          json: {
            username: name.input.value.trim(), password: pass.input.value, role: role.input.value,
            display_name: displayName.input.value.trim(), phone: phone.input.value.trim(),
          },
        });
        const generated = !pass.box.hidden;
        form.reset();
        // The generated password stays in view (and only here) until she leaves the screen.
        if (generated) pass.box.hidden = false;
        msg.replaceChildren(t('userCreated', data.username), ' ', generated ? t('handOverPassword') + ' ' : '',
          el('a', { href: `#/user/${data.id}`, id: 'new-user-link' }, t('openUser', data.username)));
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
  const key = `#/user/${id}`;
  const draft = takeDraft(key);
  const facts = el('dl', { class: 'facts' });
  const drawFacts = () => facts.replaceChildren(
    el('dt', {}, t('displayName')), el('dd', { id: 'fact-name' }, user.display_name || '—'),
    el('dt', {}, t('phone')), el('dd', { id: 'fact-phone' }, user.phone || '—'),
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

  // Who it belongs to and how to reach them.
  const contact = contactFields('user', draft?.contact ?? user);
  const contactMsg = messageLine();
  const contactBtn = el('button', { type: 'submit', class: 'secondary', id: 'contact-save' }, t('saveContact'));
  const contactForm = el('form', { class: 'inline-form', novalidate: true }, contact.displayName.wrap, contact.phone.wrap, contactBtn, contactMsg);
  contactForm.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(contactBtn, async () => {
      if (await patch({ display_name: contact.displayName.input.value.trim(), phone: contact.phone.input.value.trim() }, contactMsg, contactForm)) {
        contact.displayName.input.value = user.display_name;
        contact.phone.input.value = user.phone;
        showMessage(contactMsg, t('contactSaved'), 'ok');
      }
    });
  });

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
  const pw = passwordField('reset-password');
  const pwMsg = messageLine();
  const pwBtn = el('button', { type: 'submit', class: 'secondary' }, t('resetPassword'));
  const pwForm = el('form', { class: 'inline-form', novalidate: true }, pw.wrap, pwBtn, pwMsg);
  pwForm.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(pwBtn, async () => {
      if (await patch({ password: pw.input.value }, pwMsg, pwForm)) {
        pw.input.value = '';
        pw.box.hidden = true;
        showMessage(pwMsg, t('passwordReset'), 'ok');
      }
    });
  });

  // Stations (operators only).
  const stationsBox = el('section', { 'aria-labelledby': 'h-assign' });
  let ids = draft ? [...draft.ids] : [...user.station_ids];
  const names = new Map(draft?.names || []);
  if (draft?.password) {
    if (draft.generated) pw.reveal(draft.password);
    else pw.input.value = draft.password;
  }
  const sameIds = () => ids.length === user.station_ids.length && [...ids].sort().every((x, i) => x === user.station_ids[i]);
  holdWork(key, {
    dirty: () => !sameIds() || pw.input.value !== '' || contact.displayName.input.value.trim() !== (user.display_name || '')
      || contact.phone.input.value.trim() !== (user.phone || ''),
    read: () => ({
      ids, names: [...names], password: pw.input.value, generated: !pw.box.hidden,
      contact: { display_name: contact.displayName.input.value, phone: contact.phone.input.value },
    }),
  });
  function drawStations() {
    if (user.role !== 'operator') {
      stationsBox.replaceChildren(el('h3', { id: 'h-assign' }, t('assignedStations')), el('p', {}, t('adminsRunAll')));
      return;
    }
    const assigned = el('ul', { class: 'assigned', id: 'assigned' });
    const assignedTitle = el('h4', { id: 'assigned-title' });
    const drawAssigned = () => {
      assignedTitle.textContent = t('chosenStations', ids.length);
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
    // A district at a time: every station in it (admins' list, filtered by district).
    const city = field('assign-city', t('fieldCity'), el('select', { id: 'assign-city' }, el('option', { value: '' }, t('pickCityOption'))));
    const district = field('assign-district', t('fieldDistrict'), el('select', { id: 'assign-district', disabled: true }, el('option', { value: '' }, t('pickDistrictOption'))));
    const inDistrict = el('p', { class: 'count', id: 'district-count', role: 'status' });
    const addDistrict = el('button', { type: 'button', class: 'secondary', id: 'assign-district-add', hidden: true });
    let found = [];
    areas.load().then((fc) => {
      const list = fc.features.map((f) => f.properties).sort((a, b) => (a.adcode < b.adcode ? -1 : 1));
      city.input.append(...list.filter((a) => a.level === 'city').map((a) => el('option', { value: a.adcode }, a.name)));
      city.input.addEventListener('change', () => {
        district.input.replaceChildren(el('option', { value: '' }, t('pickDistrictOption')),
          ...list.filter((a) => a.level === 'district' && a.city_adcode === city.input.value).map((a) => el('option', { value: a.adcode }, a.name)));
        district.input.disabled = !city.input.value;
        inDistrict.textContent = '';
        addDistrict.hidden = true;
      });
    }).catch((e) => { inDistrict.textContent = e.message; });
    let dseq = 0;
    district.input.addEventListener('change', async () => {
      const adcode = district.input.value;
      const mine = ++dseq;
      addDistrict.hidden = true;
      if (!adcode) { inDistrict.textContent = ''; return; }
      inDistrict.textContent = t('loading');
      try {
        const fc = await api.get(api.withQuery('/api/v1/my/stations', { district: adcode, per_page: 1000, sort: 'id' }));
        if (mine !== dseq) return;
        found = fc.features.map((f) => [f.id, f.properties.name]);
        const name = district.input.selectedOptions[0].textContent;
        const fresh = found.filter(([sid]) => !ids.includes(sid)).length;
        inDistrict.textContent = t('districtHas', name, fc.meta?.total ?? found.length, fresh);
        addDistrict.textContent = t('addDistrict', fresh);
        addDistrict.hidden = fresh === 0;
      } catch (e) {
        if (mine === dseq) inDistrict.textContent = e.message;
      }
    });
    addDistrict.addEventListener('click', () => {
      for (const [sid, name] of found) add(sid, name);
      addDistrict.hidden = true;
      inDistrict.textContent = t('districtAdded', found.length);
    });
    const saveMsg = messageLine();
    const save = el('button', { type: 'submit', class: 'primary', id: 'assign-save' }, t('saveAssignments'));
    // The ways to add first, then the list as it will be saved, and the save button always in reach.
    const form = el('form', { class: 'assign', novalidate: true },
      el('h4', {}, t('addByDistrict')), el('div', { class: 'district-pick' }, city.wrap, district.wrap), inDistrict, addDistrict,
      el('h4', {}, t('addBySearch')), search.wrap, results, byId.wrap, addBtn,
      assignedTitle, assigned, el('div', { class: 'save-bar' }, save, saveMsg));
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
    if (!sameIds()) showMessage(saveMsg, t('unsavedAssignments'));
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
    el('section', { 'aria-labelledby': 'h-contact' }, el('h3', { id: 'h-contact' }, t('contact')), contactForm),
    el('section', { 'aria-labelledby': 'h-access' }, el('h3', { id: 'h-access' }, t('access')), stateForm, roleForm, pwForm),
    stationsBox);
}
