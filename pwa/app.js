// A first screen until the full PWA arrives: the nearest stations to the user (or to central Shenyang
// when the position is unknown), from the public API. Station text is set with textContent only.
const status = document.getElementById('status');
const list = document.getElementById('nearest');

async function show(lat, lon, where) {
  const res = await fetch(`/api/v1/stations/nearby?lat=${lat}&lon=${lon}&limit=20`);
  if (!res.ok) { status.textContent = `加载失败 Failed to load (${res.status})`; return; }
  const fc = await res.json();
  list.replaceChildren(...fc.features.map((f) => {
    const li = document.createElement('li');
    const name = document.createElement('div');
    name.textContent = f.properties.name;
    const meta = document.createElement('div');
    meta.className = 'meta';
    const km = (f.properties.distance_m / 1000).toFixed(1);
    meta.textContent = `${km} km · ${f.properties.address}`;
    li.append(name, meta);
    return li;
  }));
  status.textContent = `${where}附近 ${fc.meta.count} 个驿站 · ${fc.meta.count} stations near ${where === '你' ? 'you' : 'Shenyang'}`;
}

const fallback = () => show(41.796767, 123.429096, '沈阳');
if (navigator.geolocation) {
  navigator.geolocation.getCurrentPosition((p) => show(p.coords.latitude, p.coords.longitude, '你'), fallback, { timeout: 5000 });
} else {
  fallback();
}
