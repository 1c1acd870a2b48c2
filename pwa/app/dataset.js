// Decodes the compact offline dataset that GET /api/v1/dataset sends (README, "The offline dataset's
// format"; the encoder is server/codec/dataset.go). Pure: no DOM, used from a Web Worker and from Node.

/**
 * decode turns the parsed JSON of /api/v1/dataset into {dataVersion, crs, stations}, each station
 * {id, lon, lat, props} with exactly the properties of the GeoJSON dataset's features (without
 * open_now), the same strings and nulls, in id order. Stations with the same amenities share one frozen
 * amenities array.
 */
export function decode(payload) {
  if (!payload || payload.format !== 'yizhan-dataset' || payload.v !== 1) {
    throw new Error('not a yizhan-dataset v1 payload');
  }
  const n = payload.count;
  const dict = payload.dict;
  const c = payload.columns;
  const float = payload.coords === 'float';
  const addressFull = sparse(c.address_full);
  const phoneFull = sparse(c.phone_full);
  const notes = sparse(c.status_note);
  // Fields without an encoding of their own: one sparse column each, null where absent.
  const extra = (payload.extra || []).map((name) => [name, sparse(c[name])]);
  const exact = float ? new Map() : sparse(c.coords_exact);
  // Stations with the same amenities share one frozen list.
  const amenityLists = new Map();
  const amenitiesOf = (mask) => {
    let list = amenityLists.get(mask);
    if (!list) {
      list = [];
      for (let a = 0; a < dict.amenities.length; a++) if (mask & (1 << a)) list.push(dict.amenities[a]);
      amenityLists.set(mask, Object.freeze(list));
    }
    return list;
  };
  // RFC 3339 in Asia/Shanghai (+08:00, no DST since 1991), as the server prints it, from day and
  // minute strings made once each.
  const days = new Map();
  let lastSeconds = NaN;
  let lastTime = null;
  const time = (s) => {
    if (s === lastSeconds) return lastTime;
    const t = s + 28800;
    const day = Math.floor(t / 86400);
    let prefix = days.get(day);
    if (prefix === undefined) {
      prefix = new Date(day * 86400000).toISOString().slice(0, 11);
      days.set(day, prefix);
    }
    const sec = t - day * 86400;
    lastSeconds = s;
    lastTime = prefix + MINUTES[(sec / 60) | 0] + SECONDS[sec % 60];
    return lastTime;
  };
  const districts = dict.district.map(([name, city, adcode]) => ({
    name, city: dict.city[city], adcode, addressPrefix: dict.address_prefix + dict.city[city] + name,
    phonePrefix: dict.phone_prefix[city],
  }));

  const stations = new Array(n);
  let id = '';
  let lonE6 = 0;
  let latE6 = 0;
  let updated = payload.time_base;
  let operators = 0;
  for (let i = 0; i < n; i++) {
    id = id.slice(0, c.id_shared[i]) + c.id_suffix[i];
    let lon;
    let lat;
    if (float) {
      lon = c.lon[i];
      lat = c.lat[i];
    } else {
      lonE6 += c.lon[i];
      latE6 += c.lat[i];
      lon = lonE6 / 1e6;
      lat = latE6 / 1e6;
      const xy = exact.get(i);
      if (xy !== undefined) [lon, lat] = xy;
    }
    const d = districts[c.district[i]];
    const h = c.hours[i];
    let operator = null;
    const o = c.operator[i];
    if (o === 1) operator = dict.operator[operators++];
    else if (o > 1) operator = dict.operator[o - 2];
    let updatedAt = null;
    if (c.updated_at[i] !== null) {
      updated += c.updated_at[i];
      updatedAt = time(updated);
    }
    const v = c.verified_at[i];
    const phone = c.phone[i];
    stations[i] = {
      id,
      lon,
      lat,
      props: {
        id,
        name: c.name[i],
        kind: dict.kind[c.kind[i]],
        address: addressFull.has(i) ? addressFull.get(i) : d.addressPrefix + c.address[i],
        district: d.name,
        amenities: amenitiesOf(c.amenities[i]),
        opening_hours: h === 0 ? null : dict.hours[h - 1],
        status: dict.status[c.status[i]],
        status_note: notes.has(i) ? notes.get(i) : null,
        version: c.version[i],
        city: d.city,
        adcode: d.adcode,
        audience: dict.audience[c.audience[i]],
        phone: phone === null ? null : phoneFull.has(i) ? phoneFull.get(i) : d.phonePrefix + phone,
        operator,
        updated_at: updatedAt,
        verified_at: v === null ? null : time(payload.time_base + v),
      },
    };
    for (const [name, col] of extra) stations[i].props[name] = col.has(i) ? col.get(i) : null;
  }
  return { dataVersion: payload.data_version, crs: payload.crs, stations };
}

const two = (x) => (x < 10 ? '0' + x : '' + x);
const MINUTES = Array.from({ length: 1440 }, (_, m) => two((m / 60) | 0) + ':' + two(m % 60) + ':');
const SECONDS = Array.from({ length: 60 }, (_, s) => two(s) + '+08:00');

// sparse reads {i: gaps between positions (the first from -1), v: values} into a Map.
function sparse(col) {
  const m = new Map();
  let at = -1;
  for (let k = 0; k < col.i.length; k++) {
    at += col.i[k];
    m.set(at, col.v[k]);
  }
  return m;
}
