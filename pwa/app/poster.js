// The printable poster (server/api/poster.html): the hours in words, in both languages, with the
// rider's app's own words (hours-words.js), and the print button. The server cannot say the hours in
// words itself: they are made from the evaluation in hours.js.

import { describeHoursLines } from './hours-words.js';

for (const p of document.querySelectorAll('[data-hours]')) {
  const words = describeHoursLines(p.dataset.hours, p.dataset.lang === 'en' ? 'en' : 'zh-CN');
  p.textContent = words.lines.join(p.dataset.lang === 'en' ? '; ' : '；');
}
document.getElementById('print')?.addEventListener('click', () => window.print());
