// Liaoning's cities and districts (/api/v1/areas): the map's built-in base layer and the city picker
// for riders whose position is unknown. Fetched once; the service worker keeps a copy for offline use.

let loading;

/** The areas FeatureCollection (cities first, then districts), fetched once. */
export function load() {
  loading ??= fetch('/api/v1/areas').then((res) => {
    if (!res.ok) throw new Error(`areas: HTTP ${res.status}`);
    return res.json();
  });
  loading.catch(() => { loading = undefined; }); // try again next time
  return loading;
}

/**
 * The 14 cities as [{name, adcode, label: [lon, lat]}], in adcode order. A city's point is in its
 * central district (the one with the lowest code, where the city government sits): the middle of the
 * whole city's land is often in a county far from town (Dalian's is in Wafangdian).
 */
export async function cities() {
  const fc = await load();
  const centre = new Map();
  for (const f of fc.features) {
    const p = f.properties;
    if (p.level !== 'district') continue;
    const c = centre.get(p.city_adcode);
    if (!c || p.adcode < c.adcode) centre.set(p.city_adcode, { adcode: p.adcode, label: p.label });
  }
  return fc.features.filter((f) => f.properties.level === 'city')
    .map((f) => ({ name: f.properties.name, adcode: f.properties.adcode, label: centre.get(f.properties.adcode)?.label ?? f.properties.label }))
    .sort((a, b) => (a.adcode < b.adcode ? -1 : 1));
}
