// The map: MapLibre GL over a built-in base layer (Liaoning's land, cities and districts with their
// names, from /api/v1/areas), so it is never blank, with or without a tile source, online or offline.
// Configured raster tiles draw above the base layer as they load. Stations are clustered, with counts;
// the rider's position is a large blue dot with a halo. Everything is drawn in the tiles' coordinate
// system (Amap tiles are GCJ-02), converted from WGS-84 here. No glyphs are downloaded: MapLibre draws
// every label with the device's own fonts.

import * as maplibregl from '../vendor/maplibre-gl/maplibre-gl.mjs';
import { fromWGS84 } from './geo.js';

let map;
let crs = 'wgs84';
let onSelect = () => {};
let ready;

// Colours of the base layer, day and night; the sea is the background.
const themes = {
  day: { sea: '#cfe3ef', land: '#f6f3ec', district: '#c9bfae', city: '#8d7f6a', label: '#4a4238', halo: '#ffffff', cityLabel: '#2b251e' },
  night: { sea: '#0f1720', land: '#23252b', district: '#3d4049', city: '#6b6f7b', label: '#b9bcc6', halo: '#15171c', cityLabel: '#e4e6ee' },
};

/** Station colours by open state; the legend (app.css) uses the same. */
const stateColours = ['match', ['get', 'open'], 'open', '#1e7d32', 'closingSoon', '#c26a00', 'closed', '#6b6b6b', '#7b4fa0'];

/** The base layer's style, with the configured tiles above it (the editor's small map uses it too). */
export function style(mapConfig, dark) {
  const c = dark ? themes.night : themes.day;
  const s = {
    version: 8,
    sources: { areas: { type: 'geojson', data: featureCollection([]) } },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': c.sea } },
      { id: 'land', type: 'fill', source: 'areas', filter: ['==', ['get', 'level'], 'district'], paint: { 'fill-color': c.land } },
      { id: 'district-lines', type: 'line', source: 'areas', filter: ['==', ['get', 'level'], 'district'], minzoom: 7,
        paint: { 'line-color': c.district, 'line-width': ['interpolate', ['linear'], ['zoom'], 7, 0.5, 12, 1.5], 'line-dasharray': [3, 2] } },
      { id: 'city-lines', type: 'line', source: 'areas', filter: ['==', ['get', 'level'], 'city'],
        paint: { 'line-color': c.city, 'line-width': ['interpolate', ['linear'], ['zoom'], 5, 0.8, 12, 2.5] } },
      { id: 'district-labels', type: 'symbol', source: 'labels', filter: ['==', ['get', 'level'], 'district'], minzoom: 8.5,
        layout: { 'text-field': ['get', 'name'], 'text-font': ['Noto Sans Regular'], 'text-size': 13 },
        paint: { 'text-color': c.label, 'text-halo-color': c.halo, 'text-halo-width': 1.5 } },
      { id: 'city-labels', type: 'symbol', source: 'labels', filter: ['==', ['get', 'level'], 'city'], maxzoom: 11,
        layout: { 'text-field': ['get', 'name'], 'text-font': ['Noto Sans Bold'], 'text-size': ['interpolate', ['linear'], ['zoom'], 5, 13, 10, 17] },
        paint: { 'text-color': c.cityLabel, 'text-halo-color': c.halo, 'text-halo-width': 2 } },
    ],
  };
  s.sources.labels = { type: 'geojson', data: featureCollection([]) };
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

/** The areas in the map's CRS (crs), and their label points as a second collection. */
export function prepareAreas(fc, crs) {
  const shift = (ring) => ring.map(([x, y]) => fromWGS84(crs, x, y));
  const shapes = fc.features.map((f) => ({
    type: 'Feature', properties: f.properties,
    geometry: f.geometry.type === 'Polygon'
      ? { type: 'Polygon', coordinates: f.geometry.coordinates.map(shift) }
      : { type: 'MultiPolygon', coordinates: f.geometry.coordinates.map((p) => p.map(shift)) },
  }));
  const labels = fc.features.map((f) => ({
    type: 'Feature', properties: { name: f.properties.name, level: f.properties.level },
    geometry: { type: 'Point', coordinates: fromWGS84(crs, f.properties.label[0], f.properties.label[1]) },
  }));
  return [featureCollection(shapes), featureCollection(labels)];
}

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

export function addStyleSheet() {
  if (document.querySelector('link[data-maplibre]')) return;
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = '/vendor/maplibre-gl/maplibre-gl.css';
  link.dataset.maplibre = '';
  document.head.append(link);
}

/**
 * Creates the map in container. mapConfig is meta.map (null: no tiles); select(id) is called when a
 * station is tapped; center is [lon, lat] in WGS-84 (null: the whole province), at zoom; areas
 * resolves to /api/v1/areas. Resolves once the map can take data.
 */
export function createMap(container, mapConfig, { dark = false, select, center, zoom, areas } = {}) {
  addStyleSheet();
  crs = mapConfig?.crs || 'wgs84';
  onSelect = select || onSelect;
  map = new maplibregl.Map({
    container,
    style: style(mapConfig, dark),
    center: center ? fromWGS84(crs, center[0], center[1]) : fromWGS84(crs, 122.6, 41.1),
    zoom: zoom ?? (center ? 12 : 5.6),
    maxZoom: 19,
    minZoom: 4,
    attributionControl: mapConfig?.attribution ? { compact: true } : false,
    dragRotate: false,
    pitchWithRotate: false,
  });
  map.touchZoomRotate.disableRotation();
  ready = new Promise((resolve, reject) => {
    map.on('error', (e) => { if (!map.loaded()) reject(e.error); });
    map.on('load', () => {
      map.addSource('stations', { type: 'geojson', data: featureCollection([]), cluster: true, clusterRadius: 40, clusterMaxZoom: 13 });
      map.addSource('me', { type: 'geojson', data: featureCollection([]) });
      map.addSource('selected', { type: 'geojson', data: featureCollection([]) });
      map.addLayer({ id: 'accuracy', type: 'fill', source: 'me', filter: ['==', ['geometry-type'], 'Polygon'],
        paint: { 'fill-color': '#1a73e8', 'fill-opacity': 0.12 } });
      map.addLayer({ id: 'clusters', type: 'circle', source: 'stations', filter: ['has', 'point_count'],
        paint: {
          'circle-color': '#b3261e', 'circle-opacity': 0.9, 'circle-stroke-color': '#fff', 'circle-stroke-width': 2,
          'circle-radius': ['step', ['get', 'point_count'], 16, 10, 19, 100, 23, 1000, 28],
        } });
      map.addLayer({ id: 'cluster-counts', type: 'symbol', source: 'stations', filter: ['has', 'point_count'],
        layout: { 'text-field': ['get', 'point_count_abbreviated'], 'text-font': ['Noto Sans Bold'], 'text-size': 14,
          'text-allow-overlap': true, 'text-ignore-placement': true },
        paint: { 'text-color': '#ffffff' } });
      // A transparent 44 px disc under each dot: a gloved finger hits it.
      map.addLayer({ id: 'stations-hit', type: 'circle', source: 'stations', filter: ['!', ['has', 'point_count']],
        paint: { 'circle-radius': 22, 'circle-opacity': 0, 'circle-stroke-width': 0 } });
      map.addLayer({ id: 'stations', type: 'circle', source: 'stations', filter: ['!', ['has', 'point_count']],
        paint: { 'circle-radius': 9, 'circle-stroke-color': '#fff', 'circle-stroke-width': 2, 'circle-color': stateColours } });
      map.addLayer({ id: 'selected', type: 'circle', source: 'selected',
        paint: { 'circle-radius': 15, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': '#ffb300', 'circle-stroke-width': 4 } });
      map.addLayer({ id: 'me-halo', type: 'circle', source: 'me', filter: ['==', ['geometry-type'], 'Point'],
        paint: { 'circle-radius': 20, 'circle-color': '#1a73e8', 'circle-opacity': 0.25 } });
      map.addLayer({ id: 'me', type: 'circle', source: 'me', filter: ['==', ['geometry-type'], 'Point'],
        paint: { 'circle-radius': 10, 'circle-color': '#1a73e8', 'circle-stroke-color': '#fff', 'circle-stroke-width': 3 } });
      map.on('click', 'clusters', async (e) => {
        const f = e.features[0];
        const zoom = await map.getSource('stations').getClusterExpansionZoom(f.properties.cluster_id);
        map.easeTo({ center: f.geometry.coordinates, zoom });
      });
      map.on('click', 'stations-hit', (e) => onSelect(e.features[0].properties.id));
      for (const layer of ['clusters', 'stations-hit']) {
        map.on('mouseenter', layer, () => { map.getCanvas().style.cursor = 'pointer'; });
        map.on('mouseleave', layer, () => { map.getCanvas().style.cursor = ''; });
      }
      resolve(map);
    });
  });
  // The base layer arrives on its own; the map is usable before it.
  Promise.all([ready, areas]).then(([, fc]) => {
    const [shapes, labels] = prepareAreas(fc, crs);
    map.getSource('areas').setData(shapes);
    map.getSource('labels').setData(labels);
    map.once('idle', () => { container.dataset.areas = String(fc.features.length); });
  }).catch(() => {});
  return ready;
}

/** Switches the base layer's colours between day and night. */
export function setTheme(dark) {
  if (!map || !map.isStyleLoaded()) return;
  const c = dark ? themes.night : themes.day;
  map.setPaintProperty('background', 'background-color', c.sea);
  map.setPaintProperty('land', 'fill-color', c.land);
  map.setPaintProperty('district-lines', 'line-color', c.district);
  map.setPaintProperty('city-lines', 'line-color', c.city);
  for (const id of ['district-labels', 'city-labels']) map.setPaintProperty(id, 'text-halo-color', c.halo);
  map.setPaintProperty('district-labels', 'text-color', c.label);
  map.setPaintProperty('city-labels', 'text-color', c.cityLabel);
  if (map.getLayer('tiles')) map.setPaintProperty('tiles', 'raster-brightness-max', dark ? 0.7 : 1);
}

/**
 * Draws stations ([id, lon, lat, openState] each) on the map. Once the map has drawn them, its
 * container's data-stations attribute says how many (tests and tools read it).
 */
export async function showStations(points) {
  await ready;
  map.getSource('stations').setData(featureCollection(points.map(([id, lon, lat, open]) => ({
    type: 'Feature',
    properties: { id, open },
    geometry: { type: 'Point', coordinates: fromWGS84(crs, lon, lat) },
  }))));
  map.once('idle', () => { map.getContainer().dataset.stations = String(points.length); });
}

/** The properties of what a layer draws in the current view (for tests and tools). */
export function rendered(layer) {
  return map.queryRenderedFeatures({ layers: [layer] }).map((f) => f.properties);
}

/** Where WGS-84 [lon, lat] is on the canvas (CSS pixels), and the view: centre, zoom, bounds (map CRS). */
export function view(lon, lat) {
  const p = lon === undefined ? null : map.project(fromWGS84(crs, lon, lat));
  const c = map.getCenter();
  return { point: p && { x: p.x, y: p.y }, center: [c.lng, c.lat], zoom: map.getZoom(), bounds: map.getBounds().toArray() };
}

/** Whether the map is moving (an animation runs). */
export function moving() { return map.isMoving(); }

/** Moves the map at once (tests). */
export function jumpTo(lon, lat, zoom) { map.jumpTo({ center: fromWGS84(crs, lon, lat), zoom }); }

/** Draws the rider's position and its accuracy circle (lon null: none); moves there when follow is true. */
export async function showMe(lon, lat, accuracyM, follow) {
  await ready;
  if (lon === null || lon === undefined) {
    map.getSource('me').setData(featureCollection([]));
    return;
  }
  const [x, y] = fromWGS84(crs, lon, lat);
  const features = [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [x, y] } }];
  if (accuracyM > 0) features.unshift(circle(x, y, accuracyM));
  map.getSource('me').setData(featureCollection(features));
  if (follow) map.easeTo({ center: [x, y], zoom: Math.max(map.getZoom(), 13) });
}

/** Moves the map to [lon, lat] (WGS-84) at zoom. */
export async function moveTo(lon, lat, zoom) {
  await ready;
  map.easeTo({ center: fromWGS84(crs, lon, lat), zoom });
}

/** Brings stations ({lon, lat}) into view. */
export async function fitTo(stations) {
  await ready;
  if (!stations.length) return;
  const b = new maplibregl.LngLatBounds();
  for (const st of stations) b.extend(fromWGS84(crs, st.lon, st.lat));
  map.fitBounds(b, { padding: 40, maxZoom: 15, duration: 400 });
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
