// Hand-off to the navigation app the rider already uses (driving, and riding where the app offers it),
// with the coordinates each expects: Amap takes GCJ-02, Baidu takes WGS-84 when told so (coord_type),
// Apple, Google and geo: take WGS-84.

import { wgsToGCJ } from './geo.js';

const fixed = (x) => x.toFixed(6);

/**
 * The navigation links for a station, the one that suits the platform first. Each is
 * {key (i18n key), href}.
 */
export function navigationLinks(st, userAgent = navigator.userAgent) {
  const name = st.props.name;
  const [glon, glat] = wgsToGCJ(st.lon, st.lat);
  const enc = encodeURIComponent;
  const amap = {
    key: 'navAmap',
    href: `https://uri.amap.com/navigation?to=${fixed(glon)},${fixed(glat)},${enc(name)}&mode=car&coordinate=gaode&callnative=1&src=yizhan`,
  };
  // Riders on e-bikes get Amap's riding route (mode=ride), which keeps off motorways.
  const amapRide = {
    key: 'navAmapRide',
    href: `https://uri.amap.com/navigation?to=${fixed(glon)},${fixed(glat)},${enc(name)}&mode=ride&coordinate=gaode&callnative=1&src=yizhan`,
  };
  const baidu = {
    key: 'navBaidu',
    href: `https://api.map.baidu.com/direction?destination=${enc(`latlng:${fixed(st.lat)},${fixed(st.lon)}|name:${name}`)}&coord_type=wgs84&mode=driving&region=${enc(st.props.city || '辽宁省')}&output=html&src=yizhan`,
  };
  const apple = { key: 'navApple', href: `https://maps.apple.com/?daddr=${fixed(st.lat)},${fixed(st.lon)}&q=${enc(name)}` };
  const google = { key: 'navGoogle', href: `https://www.google.com/maps/dir/?api=1&destination=${fixed(st.lat)},${fixed(st.lon)}` };
  const geo = { key: 'navGeo', href: `geo:${fixed(st.lat)},${fixed(st.lon)}?q=${fixed(st.lat)},${fixed(st.lon)}(${enc(name)})` };
  if (/iPhone|iPad|iPod/.test(userAgent)) return [apple, amap, amapRide, baidu, google];
  if (/Android/.test(userAgent)) return [amap, amapRide, baidu, geo, google];
  return [amap, amapRide, baidu, google, apple];
}
