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

/** The 14 cities as [{name, adcode, label: [lon, lat]}], in adcode order. */
export async function cities() {
  const fc = await load();
  return fc.features.filter((f) => f.properties.level === 'city')
    .map((f) => ({ name: f.properties.name, adcode: f.properties.adcode, label: f.properties.label }))
    .sort((a, b) => (a.adcode < b.adcode ? -1 : 1));
}
