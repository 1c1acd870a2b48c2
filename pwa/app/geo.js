// Geometry the way the server does it (server/spatial): great-circle metres through unit vectors on a
// sphere of the IUGG mean radius, so the offline list orders stations exactly as /stations/nearby;
// initial bearings; and the published GCJ-02 / BD-09 shifts for drawing on Chinese tiles and for Amap.

const earthRadiusM = 6371008.8;
const degToRad = Math.PI / 180;

/** The unit vector of [lon, lat] in degrees. */
export function unitVec(lon, lat) {
  const la = lat * degToRad, lo = lon * degToRad;
  const cosLat = Math.cos(la);
  return [cosLat * Math.cos(lo), cosLat * Math.sin(lo), Math.sin(la)];
}

/** Great-circle metres between two unit vectors. */
export function distanceM(a, b) {
  const dx = b[0] - a[0], dy = b[1] - a[1], dz = b[2] - a[2];
  const h = Math.min(Math.sqrt(dx * dx + dy * dy + dz * dz) * 0.5, 1);
  return 2 * earthRadiusM * Math.asin(h);
}

/** The initial bearing from [lon, lat] to the unit vector v, degrees clockwise from north in [0, 360). */
export function bearingDeg(lon, lat, v) {
  const sinLon = Math.sin(lon * degToRad), cosLon = Math.cos(lon * degToRad);
  const sinLat = Math.sin(lat * degToRad), cosLat = Math.cos(lat * degToRad);
  const y = -sinLon * v[0] + cosLon * v[1];
  const x = -sinLat * cosLon * v[0] - sinLat * sinLon * v[1] + cosLat * v[2];
  if (x * x + y * y < 1e-24) return 0;
  let deg = Math.atan2(y, x) / degToRad;
  if (deg < 0) deg += 360;
  if (deg >= 360) deg -= 360;
  return deg;
}

const compassKeys = ['dirN', 'dirNE', 'dirE', 'dirSE', 'dirS', 'dirSW', 'dirW', 'dirNW'];

/** The i18n key of the 8-point compass direction of a bearing. */
export function compassKey(deg) {
  return compassKeys[Math.round(deg / 45) % 8];
}

// GCJ-02 (Krasovsky 1940 ellipsoid) and BD-09, as in server/spatial/crs.go.
const krasA = 6378245.0;
const krasEE = 0.00669342162296594323;
const bdK = Math.PI * 3000.0 / 180.0;

function outOfChina(lon, lat) {
  return !(lon >= 72.004 && lon <= 137.8347 && lat >= 0.8293 && lat <= 55.8271);
}

function latShift(x, y) {
  let r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  r += (20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0 / 3.0;
  r += (20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin(y / 3.0 * Math.PI)) * 2.0 / 3.0;
  r += (160.0 * Math.sin(y / 12.0 * Math.PI) + 320 * Math.sin(y * Math.PI / 30.0)) * 2.0 / 3.0;
  return r;
}

function lonShift(x, y) {
  let r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  r += (20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0 / 3.0;
  r += (20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin(x / 3.0 * Math.PI)) * 2.0 / 3.0;
  r += (150.0 * Math.sin(x / 12.0 * Math.PI) + 300.0 * Math.sin(x / 30.0 * Math.PI)) * 2.0 / 3.0;
  return r;
}

/** WGS-84 [lon, lat] to GCJ-02 (Amap, Tencent, Chinese tile services). */
export function wgsToGCJ(lon, lat) {
  if (outOfChina(lon, lat)) return [lon, lat];
  const x = lon - 105.0, y = lat - 35.0;
  let dLat = latShift(x, y), dLon = lonShift(x, y);
  const radLat = lat / 180.0 * Math.PI;
  let magic = Math.sin(radLat);
  magic = 1 - krasEE * magic * magic;
  const sqrtMagic = Math.sqrt(magic);
  dLat = dLat * 180.0 / ((krasA * (1 - krasEE)) / (magic * sqrtMagic) * Math.PI);
  dLon = dLon * 180.0 / (krasA / sqrtMagic * Math.cos(radLat) * Math.PI);
  return [lon + dLon, lat + dLat];
}

/** WGS-84 [lon, lat] to BD-09 (Baidu). */
export function wgsToBD(lon, lat) {
  const [x, y] = wgsToGCJ(lon, lat);
  const z = Math.sqrt(x * x + y * y) + 0.00002 * Math.sin(y * bdK);
  const theta = Math.atan2(y, x) + 0.000003 * Math.cos(x * bdK);
  return [z * Math.cos(theta) + 0.0065, z * Math.sin(theta) + 0.006];
}

/** WGS-84 [lon, lat] in the given CRS ("wgs84", "gcj02" or "bd09"). */
export function fromWGS84(crs, lon, lat) {
  if (crs === 'gcj02') return wgsToGCJ(lon, lat);
  if (crs === 'bd09') return wgsToBD(lon, lat);
  return [lon, lat];
}

/**
 * [x, y] in the given CRS back to WGS-84 [lon, lat]: the shift is smooth and small, so a few steps of
 * "undo the shift measured here" land within a millimetre.
 */
export function toWGS84(crs, x, y) {
  if (crs !== 'gcj02' && crs !== 'bd09') return [x, y];
  let lon = x, lat = y;
  for (let i = 0; i < 8; i++) {
    const [fx, fy] = fromWGS84(crs, lon, lat);
    lon -= fx - x;
    lat -= fy - y;
  }
  return [lon, lat];
}

/** Text folded the way the server's search folds it: NFKC, lower case, no spaces. */
export function fold(s) {
  return (s || '').normalize('NFKC').toLowerCase().replace(/\s+/g, '');
}
