// The operator and admin area (/manage.html): resumes the session or asks to sign in, then shows
// the screens the user's role allows, one per route of the address's #fragment:
//   #/stations  my stations (admins: every station)   #/station/ID  a station's editor
//   #/reports   problem reports                         #/import      admin: import and export
//   #/users     admin: accounts                         #/user/ID     admin: one account
//   #/dashboard admin: the numbers of the province      #/dashboard/ADCODE  of a city or district
//   #/holidays  admin: the public-holiday calendar (and, from 1 October while next year is missing, a
//               banner above every admin screen with a box to paste the State Council's notice into)

import { t, setLang, getLang } from '../i18n.js';
import { el } from '../ui.js';
import * as api from './api.js';
import { renderLogin } from './login.js';
import { renderStations } from './stations.js';
import { renderEditor } from './editor.js';
import { renderReports } from './reports.js';
import { renderImport } from './admin-import.js';
import { renderUsers, renderUser } from './admin-users.js';
import { ask, dropWork, unsaved, keepDraft } from './common.js';
import { renderDashboard } from './dashboard.js';
import { renderHolidays, renderHolidayBanner } from './holidays.js';

const $ = (sel) => document.querySelector(sel);

const ctx = {
  user: null,
  metaPromise: null,
  /** /api/v1/meta (vocabularies with labels), fetched once. */
  meta() {
    ctx.metaPromise ??= api.get('/api/v1/meta').catch((e) => { ctx.metaPromise = null; throw e; });
    return ctx.metaPromise;
  },
};

const tabs = {
  operator: [['#/stations', 'tabMyStations'], ['#/reports', 'tabReports']],
  admin: [['#/stations', 'tabStations'], ['#/dashboard', 'tabDashboard'], ['#/reports', 'tabReports'], ['#/import', 'tabImport'], ['#/holidays', 'tabHolidays'], ['#/users', 'tabUsers']],
};

function applySettings() {
  const root = document.documentElement;
  root.lang = getLang();
  root.classList.toggle('large', localStorage.getItem('yizhan.large') === '1');
  const night = localStorage.getItem('yizhan.night');
  const hour = (new Date().getUTCHours() + 8) % 24;
  root.classList.toggle('dark', night === '1' || (night === null && (matchMedia('(prefers-color-scheme: dark)').matches || hour >= 18 || hour < 6)));
  document.title = `${t('manageTitle')} · ${t('appName')}`;
  $('#title').textContent = t('manageTitle');
  $('#lang').textContent = t('language');
  $('#to-map').textContent = t('backToMap');
  $('#logout').textContent = t('signOut');
  $('.skip').textContent = t('skipToContent');
  $('#tabs').setAttribute('aria-label', t('manageSections'));
  $('#who').textContent = ctx.user ? t('signedInAs', ctx.user.username, t(ctx.user.role === 'admin' ? 'roleAdmin' : 'roleOperator')) : '';
}

function drawTabs(route) {
  const nav = $('#tabs');
  if (!ctx.user) {
    nav.hidden = true;
    return;
  }
  nav.hidden = false;
  const section = route.startsWith('#/station/') ? '#/stations' : route.startsWith('#/user/') ? '#/users'
    : route.startsWith('#/dashboard') ? '#/dashboard' : route;
  nav.replaceChildren(el('ul', {}, tabs[ctx.user.role === 'admin' ? 'admin' : 'operator'].map(([href, key]) =>
    el('li', {}, el('a', { href, class: 'tab', 'aria-current': href === section ? 'page' : null }, t(key))))));
}

function showLogin(notice) {
  ctx.user = null;
  api.setCsrf(null);
  $('#logout').hidden = true;
  applySettings();
  drawTabs('');
  renderHolidayBanner($('#banner'), ctx);
  renderLogin($('#view'), {
    notice,
    onSignedIn: (session) => {
      signedIn(session);
      route();
    },
  });
}

function signedIn(session) {
  ctx.user = session.user;
  api.setCsrf(session.csrf_token);
  $('#logout').hidden = false;
  applySettings();
}

/** Shows the screen the address names (the first allowed one when it names none). */
function route() {
  if (!ctx.user) return;
  dropWork();
  shown = location.hash;
  const admin = ctx.user.role === 'admin';
  let hash = location.hash || '#/stations';
  const view = $('#view');
  let m;
  if ((m = /^#\/station\/(.+)$/.exec(hash))) renderEditor(view, ctx, decodeURIComponent(m[1]));
  else if (hash === '#/reports') renderReports(view, ctx);
  else if (admin && hash === '#/import') renderImport(view, ctx);
  else if (admin && hash === '#/users') renderUsers(view, ctx);
  else if (admin && hash === '#/holidays') renderHolidays(view, ctx);
  else if (admin && (m = /^#\/user\/(\d+)$/.exec(hash))) renderUser(view, m[1]);
  else if (admin && (m = /^#\/dashboard(?:\/(\d{6}))?$/.exec(hash))) renderDashboard(view, ctx, m[1] || '');
  else {
    hash = '#/stations';
    renderStations(view, ctx);
  }
  drawTabs(hash);
  renderHolidayBanner($('#banner'), ctx, hash === '#/holidays'); // that screen has its own paste box
  // Moving to a screen moves the keyboard and the screen reader to its heading.
  view.querySelector('.screen-title')?.focus({ preventScroll: false });
}

/** Whether the user lets unsaved work go: true when there is none, or when she says so. */
async function mayLeave() {
  if (!unsaved()) return true;
  const answer = await ask(t('leaveTitle'), [t('leaveText')], [['stay', t('stayAndEdit')], ['leave', t('leaveWithoutSaving'), 'secondary danger']], 'stay');
  if (answer !== 'leave') return false;
  dropWork();
  return true;
}

let shown = ''; // the address of the screen shown
let returning = false; // the address is being put back after a refused move

async function start() {
  applySettings();
  $('#lang').addEventListener('click', () => {
    // The screen is drawn again in the other language with what was typed in it.
    keepDraft();
    setLang(getLang() === 'en' ? 'zh-CN' : 'en');
    applySettings();
    if (ctx.user) route();
    else showLogin();
  });
  // Links to other screens and the map ask before unsaved work is left behind.
  document.addEventListener('click', async (e) => {
    const a = e.target.closest?.('a[href]');
    if (!a || !unsaved() || e.defaultPrevented || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey) return;
    const href = a.getAttribute('href');
    if (!href.startsWith('#/') && !href.startsWith('/')) return;
    e.preventDefault();
    if (await mayLeave()) location.href = a.href;
  }, true);
  // Closing the window or the tab, reloading, typing another address: the browser asks, in its words.
  addEventListener('beforeunload', (e) => {
    if (!unsaved()) return;
    e.preventDefault();
    e.returnValue = t('leaveText');
  });
  $('#logout').addEventListener('click', async () => {
    if (!(await mayLeave())) return;
    try {
      await api.request('DELETE', '/api/v1/session');
    } catch { /* the session is gone either way */ }
    history.replaceState(null, '', location.pathname);
    showLogin(t('signedOut'));
  });
  addEventListener('hashchange', async () => {
    // Only #/… (or none: the first screen) names a screen; other fragments (the skip link's #view)
    // move within the page.
    if ((location.hash && !location.hash.startsWith('#/')) || returning) {
      returning = false;
      return;
    }
    if (unsaved()) {
      // The back button: put the screen's address back until she says to leave.
      const target = location.hash;
      returning = true;
      location.replace(shown || '#/stations');
      if (!(await mayLeave())) return;
      location.hash = target;
      return;
    }
    route();
  });
  api.whenSignedOut(() => showLogin(t('sessionEnded')));
  try {
    signedIn(await api.get('/api/v1/session'));
    route();
  } catch (e) {
    showLogin(e.status === 401 ? undefined : e.message);
  }
  document.body.dataset.ready = 'true';
}

start();
