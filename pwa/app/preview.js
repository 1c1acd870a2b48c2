// The map before it is needed: a still picture of where the rider is, drawn on a 2D canvas in a few
// milliseconds — the built-in base layer (land, district and city borders, names), the stations and the
// rider's dot — in the same Web Mercator view MapLibre would show. MapLibre (1.1 MB, seconds of main
// thread on a cheap phone) starts only when the rider touches the map, so it never holds up the list.

const themes = {
  day: { sea: '#cfe3ef', land: '#f6f3ec', district: '#c9bfae', city: '#8d7f6a', label: '#4a4238', halo: '#ffffff', cityLabel: '#2b251e' },
  night: { sea: '#0f1720', land: '#23252b', district: '#3d4049', city: '#6b6f7b', label: '#b9bcc6', halo: '#15171c', cityLabel: '#e4e6ee' },
};
const stateColours = { open: '#1e7d32', closingSoon: '#c26a00', closed: '#6b6b6b', unknown: '#7b4fa0' };

/** Web Mercator, as MapLibre's 512 px tiles: [lon, lat] → world pixels at zoom. */
function project([lon, lat], zoom) {
  const size = 512 * 2 ** zoom;
  const s = Math.sin(Math.max(-85, Math.min(85, lat)) * Math.PI / 180);
  return [(lon + 180) / 360 * size, (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * size];
}

const boxes = new WeakMap(); // feature → [minLon, minLat, maxLon, maxLat]

function bbox(f) {
  let b = boxes.get(f);
  if (!b) {
    b = [Infinity, Infinity, -Infinity, -Infinity];
    const polys = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
    for (const poly of polys) for (const [x, y] of poly[0]) {
      if (x < b[0]) b[0] = x; if (y < b[1]) b[1] = y; if (x > b[2]) b[2] = x; if (y > b[3]) b[3] = y;
    }
    boxes.set(f, b);
  }
  return b;
}

/**
 * The stations of points ([id, lon, lat, openState]) in the view of w × h CSS pixels centred on
 * center at zoom, as MapLibre would cluster them: up to zoom 13 grouped into 50 px cells, else one
 * each. Returns [{n, x, y, state}] in the view's pixels (x, y: the cell's mean; state: a lone
 * station's). Pure: the data worker runs it over the whole set, so the page gets a few hundred cells.
 */
export function cellsInView(points, { center, zoom, w, h }) {
  const [cx, cy] = project(center, zoom);
  const cells = new Map();
  for (const [, lon, lat, state] of points) {
    const [px, py] = project([lon, lat], zoom);
    const x = px - cx + w / 2, y = py - cy + h / 2;
    if (x < -40 || y < -40 || x > w + 40 || y > h + 40) continue;
    const key = zoom <= 13 ? `${Math.floor(x / 50)},${Math.floor(y / 50)}` : `${x},${y}`;
    const cell = cells.get(key);
    if (cell) { cell.n++; cell.x += x; cell.y += y; } else cells.set(key, { n: 1, x, y, state });
  }
  return [...cells.values()].map((c) => ({ n: c.n, x: c.x / c.n, y: c.y / c.n, state: c.state }));
}

/**
 * Draws the view centred on center ([lon, lat]) at zoom into canvas: areas (the /api/v1/areas
 * collection, or null while it loads), cells (cellsInView's), me ([lon, lat] or null).
 */
export function drawPreview(canvas, { areas, center, zoom, cells = [], me = null, dark = false }) {
  const w = canvas.clientWidth, h = canvas.clientHeight;
  if (!w || !h) return;
  const ratio = Math.min(window.devicePixelRatio || 1, 2);
  if (canvas.width !== Math.round(w * ratio) || canvas.height !== Math.round(h * ratio)) {
    canvas.width = Math.round(w * ratio);
    canvas.height = Math.round(h * ratio);
  }
  const c = dark ? themes.night : themes.day;
  const ctx = canvas.getContext('2d');
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.fillStyle = c.sea;
  ctx.fillRect(0, 0, w, h);
  const [cx, cy] = project(center, zoom);
  const toScreen = (p) => { const [x, y] = project(p, zoom); return [x - cx + w / 2, y - cy + h / 2]; };
  // The view in degrees, a little larger, to skip what cannot show.
  const size = 512 * 2 ** zoom;
  const span = (Math.max(w, h) / size) * 360 * 1.5;
  const view = [center[0] - span, center[1] - span, center[0] + span, center[1] + span];
  const visible = (f) => { const b = bbox(f); return b[2] >= view[0] && b[0] <= view[2] && b[3] >= view[1] && b[1] <= view[3]; };

  const features = areas?.features?.filter(visible) ?? [];
  const trace = (f) => {
    ctx.beginPath();
    const polys = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
    for (const poly of polys) for (const ring of poly) {
      let lx = 0, ly = 0;
      ring.forEach((p, i) => {
        const [x, y] = toScreen(p);
        if (!i) ctx.moveTo(x, y);
        else if (Math.abs(x - lx) + Math.abs(y - ly) < 1) return; // a vertex that would not show
        else ctx.lineTo(x, y);
        lx = x; ly = y;
      });
      ctx.closePath();
    }
  };
  ctx.lineJoin = 'round';
  for (const f of features) {
    if (f.properties.level !== 'district') continue;
    trace(f);
    ctx.fillStyle = c.land;
    ctx.fill('evenodd');
    if (zoom >= 7) {
      ctx.setLineDash([3, 2]);
      ctx.strokeStyle = c.district;
      ctx.lineWidth = zoom >= 12 ? 1.5 : 0.8;
      ctx.stroke();
      ctx.setLineDash([]);
    }
  }
  for (const f of features) {
    if (f.properties.level !== 'city') continue;
    trace(f);
    ctx.strokeStyle = c.city;
    ctx.lineWidth = zoom >= 10 ? 2.5 : 1.2;
    ctx.stroke();
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.lineWidth = 3;
  for (const f of features) {
    const city = f.properties.level === 'city';
    if (city ? zoom >= 11 : zoom < 8.5) continue;
    const [x, y] = toScreen(f.properties.label);
    ctx.font = `${city ? 'bold 15px' : '13px'} sans-serif`;
    ctx.strokeStyle = c.halo;
    ctx.strokeText(f.properties.name, x, y);
    ctx.fillStyle = city ? c.cityLabel : c.label;
    ctx.fillText(f.properties.name, x, y);
  }

  ctx.font = 'bold 14px sans-serif';
  for (const { n, x, y, state } of cells) {
    ctx.beginPath();
    ctx.arc(x, y, n === 1 ? 8 : n < 10 ? 16 : n < 100 ? 19 : n < 1000 ? 23 : 28, 0, 2 * Math.PI);
    ctx.fillStyle = n === 1 ? (stateColours[state] || stateColours.unknown) : '#b3261e';
    ctx.fill();
    ctx.lineWidth = 2;
    ctx.strokeStyle = '#ffffff';
    ctx.stroke();
    if (n > 1) {
      ctx.fillStyle = '#ffffff';
      ctx.fillText(n < 1000 ? String(n) : `${(n / 1000).toFixed(1)}k`, x, y);
    }
  }
  if (me) {
    const [x, y] = toScreen(me);
    ctx.beginPath();
    ctx.arc(x, y, 20, 0, 2 * Math.PI);
    ctx.fillStyle = 'rgba(26,115,232,0.25)';
    ctx.fill();
    ctx.beginPath();
    ctx.arc(x, y, 10, 0, 2 * Math.PI);
    ctx.fillStyle = '#1a73e8';
    ctx.fill();
    ctx.lineWidth = 3;
    ctx.strokeStyle = '#ffffff';
    ctx.stroke();
  }
}
