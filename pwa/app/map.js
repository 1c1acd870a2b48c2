// The map: MapLibre GL with the configured raster tiles (or a plain background), the stations
// clustered, the rider's position with its accuracy circle, and the selected station. Everything is
// drawn in the tiles' coordinate system (Amap tiles are GCJ-02), converted from WGS-84 here.

import * as maplibregl from '../vendor/maplibre-gl/maplibre-gl.mjs';
import { fromWGS84 } from './geo.js';

let map;
let crs = 'wgs84';
let onSelect = () => {};
let ready;

function style(mapConfig, dark) {
  const background = dark ? '#1c1b1f' : '#eef0eb';
  const s = {
    version: 8,
    sources: {},
    layers: [{ id: 'background', type: 'background', paint: { 'background-color': background } }],
  };
  if (mapConfig?.tiles?.length) {
    s.sources.tiles = {
      type: 'raster', tiles: mapConfig.tiles, tileSize: 256, maxzoom: mapConfig.max_zoom || 18,
      attribution: mapConfig.attribution || '',
    };
    s.layers.push({ id: 'tiles', type: 'raster', source: 'tiles', paint: dark ? { 'raster-brightness-max': 0.7 } : {} });
  }
  return s;
}

function featureCollection(features) { return { type: 'FeatureCollection', features }; }

/** A circle of radius metres around [lon, lat] as a polygon (for the accuracy of the position). */
function circle(lon, lat, metres) {
  const ring = [];
  const dLat = metres / 111320;
  const dLon = metres / (111320 * Math.cos(lat * Math.PI / 180));
  for (let i = 0; i <= 48; i++) {
    const a = (i / 48) * 2 * Math.PI;
    ring.push([lon + dLon * Math.cos(a), lat + dLat * Math.sin(a)]);
  }
  return { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [ring] } };
}

/**
 * Creates the map in container. mapConfig is meta.map (null: no tiles); select(id) is called when a
 * station is tapped. Resolves once the map can take data.
 */
export function createMap(container, mapConfig, { dark = false, select, center = [123.4315, 41.8057] } = {}) {
  crs = mapConfig?.crs || 'wgs84';
  onSelect = select || onSelect;
  map = new maplibregl.Map({
    container,
    style: style(mapConfig, dark),
    center: fromWGS84(crs, center[0], center[1]),
    zoom: 11,
    maxZoom: 19,
    attributionControl: mapConfig?.attribution ? { compact: true } : false,
    dragRotate: false,
    pitchWithRotate: false,
  });
  map.touchZoomRotate.disableRotation();
  ready = new Promise((resolve) => map.on('load', () => {
    map.addSource('stations', { type: 'geojson', data: featureCollection([]), cluster: true, clusterRadius: 40, clusterMaxZoom: 13 });
    map.addSource('me', { type: 'geojson', data: featureCollection([]) });
    map.addSource('selected', { type: 'geojson', data: featureCollection([]) });
    map.addLayer({ id: 'accuracy', type: 'fill', source: 'me', filter: ['==', ['geometry-type'], 'Polygon'],
      paint: { 'fill-color': '#1a73e8', 'fill-opacity': 0.15 } });
    map.addLayer({ id: 'clusters', type: 'circle', source: 'stations', filter: ['has', 'point_count'],
      paint: {
        'circle-color': '#b3261e', 'circle-opacity': 0.85, 'circle-stroke-color': '#fff', 'circle-stroke-width': 2,
        'circle-radius': ['step', ['get', 'point_count'], 14, 10, 18, 100, 24, 1000, 30],
      } });
    map.addLayer({ id: 'stations', type: 'circle', source: 'stations', filter: ['!', ['has', 'point_count']],
      paint: {
        'circle-radius': 8, 'circle-stroke-color': '#fff', 'circle-stroke-width': 2,
        'circle-color': ['match', ['get', 'open'], 'open', '#1e7d32', 'closingSoon', '#b26a00', 'closed', '#6b6b6b', '#455a9e'],
      } });
    map.addLayer({ id: 'selected', type: 'circle', source: 'selected',
      paint: { 'circle-radius': 13, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': '#ffb300', 'circle-stroke-width': 4 } });
    map.addLayer({ id: 'me', type: 'circle', source: 'me', filter: ['==', ['geometry-type'], 'Point'],
      paint: { 'circle-radius': 8, 'circle-color': '#1a73e8', 'circle-stroke-color': '#fff', 'circle-stroke-width': 3 } });
    map.on('click', 'clusters', async (e) => {
      const f = e.features[0];
      const zoom = await map.getSource('stations').getClusterExpansionZoom(f.properties.cluster_id);
      map.easeTo({ center: f.geometry.coordinates, zoom });
    });
    map.on('click', 'stations', (e) => onSelect(e.features[0].properties.id));
    for (const layer of ['clusters', 'stations']) {
      map.on('mouseenter', layer, () => { map.getCanvas().style.cursor = 'pointer'; });
      map.on('mouseleave', layer, () => { map.getCanvas().style.cursor = ''; });
    }
    resolve(map);
  }));
  return ready;
}

/**
 * Draws stations ([{st, open}]) on the map. Once the map has drawn them, its container's
 * data-stations attribute says how many (tests and tools read it).
 */
export async function showStations(items) {
  await ready;
  map.getSource('stations').setData(featureCollection(items.map(({ st, open }) => ({
    type: 'Feature',
    properties: { id: st.id, open },
    geometry: { type: 'Point', coordinates: fromWGS84(crs, st.lon, st.lat) },
  }))));
  map.once('idle', () => { map.getContainer().dataset.stations = String(items.length); });
}

/** The stations and clusters drawn in the current view, as [{id} | {cluster: count}]. */
export function drawn() {
  return map.queryRenderedFeatures({ layers: ['clusters', 'stations'] })
    .map((f) => (f.properties.cluster ? { cluster: f.properties.point_count } : { id: f.properties.id }));
}

/** Draws the rider's position and its accuracy circle; moves there when follow is true. */
export async function showMe(lon, lat, accuracyM, follow) {
  await ready;
  const [x, y] = fromWGS84(crs, lon, lat);
  const features = [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [x, y] } }];
  if (accuracyM > 0) features.unshift(circle(x, y, accuracyM));
  map.getSource('me').setData(featureCollection(features));
  if (follow) map.easeTo({ center: [x, y], zoom: Math.max(map.getZoom(), 13) });
}

/** Highlights a station (null clears) and brings it into view. */
export async function showSelected(st) {
  await ready;
  if (!st) {
    map.getSource('selected').setData(featureCollection([]));
    return;
  }
  const c = fromWGS84(crs, st.lon, st.lat);
  map.getSource('selected').setData(featureCollection([{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: c } }]));
  map.easeTo({ center: c, zoom: Math.max(map.getZoom(), 14) });
}

/** Tells the map its container changed size. */
export function resize() { map?.resize(); }
