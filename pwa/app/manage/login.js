// Signing in: username and password (POST /api/v1/session). The failure is said plainly: one answer
// for a wrong name, a wrong password and a disabled account, as the server gives it.

import { t } from '../i18n.js';
import { el } from '../ui.js';
import * as api from './api.js';
import { field, showMessage, messageLine, busy, heading } from './common.js';

/** Draws the sign-in form into view; onSignedIn(session) gets {user, csrf_token}. notice: a line to show first. */
export function renderLogin(view, { onSignedIn, notice }) {
  const user = field('username', t('username'), el('input', { type: 'text', name: 'username', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' }));
  const pass = field('password', t('password'), el('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true }));
  const msg = messageLine('message login-error');
  msg.setAttribute('role', 'alert');
  const submit = el('button', { type: 'submit', class: 'primary' }, t('signIn'));
  const form = el('form', { class: 'login', novalidate: true }, user.wrap, pass.wrap, submit, msg);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const username = user.input.value.trim();
    const password = pass.input.value;
    if (!username || !password) {
      showMessage(msg, t('loginMissing'), 'error');
      (username ? pass.input : user.input).focus();
      return;
    }
    busy(submit, async () => {
      showMessage(msg, t('signingIn'));
      try {
        const { data } = await api.request('POST', '/api/v1/session', { json: { username, password } });
        onSignedIn(data);
      } catch (err) {
        let text = err.message;
        if (err.status === 401) text = t('loginFailed');
        else if (err.status === 429) text = t('loginTooMany');
        showMessage(msg, text, 'error');
        pass.input.select();
      }
    });
  });
  const title = heading(t('signInTitle'));
  view.replaceChildren(el('div', { class: 'screen narrow' }, title,
    notice ? el('p', { class: 'notice', role: 'status' }, notice) : null,
    el('p', {}, t('signInIntro')), form));
  user.input.focus();
}
