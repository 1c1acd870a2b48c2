// The editor's small map for a station's position (admins): the rider map's base layer and tiles, a pin
// to drag (or a tap to put it there). The map is drawn in the tiles' coordinate system (meta.map.crs:
// GCJ-02 for Amap tiles) and answers in WGS-84, which is what the server stores. This module and
// MapLibre are loaded only when an admin opens the position section.

import * as maplibregl from '../../vendor/maplibre-gl/maplibre-gl.mjs';
import { style, prepareAreas, addStyleSheet } from '../map.js';
import { fromWGS84, toWGS84 } from '../geo.js';
import * as areas from '../areas.js';

/**
 * Draws a map into container with the pin at WGS-84 [lon, lat]. onMove(lon, lat) gets every new place
 * of the pin (WGS-84). Returns {put(lon, lat), pin(): [lon, lat] in the map's CRS on the screen, remove()}.
 */
export function pinMap(container, mapConfig, { id, lon, lat, dark = false, label, onMove }) {
  addStyleSheet();
  const crs = mapConfig?.crs || 'wgs84';
  const map = new maplibregl.Map({
    container,
    style: style(mapConfig, dark),
    center: fromWGS84(crs, lon, lat),
    zoom: 16,
    maxZoom: 19,
    minZoom: 6,
    attributionControl: mapConfig?.attribution ? { compact: true } : false,
    dragRotate: false,
    pitchWithRotate: false,
    cooperativeGestures: false,
  });
  map.touchZoomRotate.disableRotation();
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  const marker = new maplibregl.Marker({ draggable: true, color: '#b3261e', scale: 1.4 })
    .setLngLat(fromWGS84(crs, lon, lat)).addTo(map);
  const element = marker.getElement();
  element.setAttribute('aria-label', label);
  element.dataset.pin = '';
  const moved = () => {
    const p = marker.getLngLat();
    onMove(...toWGS84(crs, p.lng, p.lat));
  };
  marker.on('dragend', moved);
  // The keyboard moves the pin too: arrow keys by 4 px, with Shift by 40.
  element.tabIndex = 0;
  element.setAttribute('role', 'button');
  element.addEventListener('keydown', (e) => {
    const step = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[e.key];
    if (!step) return;
    e.preventDefault();
    const px = e.shiftKey ? 40 : 4;
    const p = map.project(marker.getLngLat());
    marker.setLngLat(map.unproject([p.x + step[0] * px, p.y + step[1] * px]));
    moved();
  });
  // A tap on the map puts the pin there: easier than a drag on a small phone.
  map.on('click', (e) => {
    marker.setLngLat(e.lngLat);
    moved();
  });
  map.on('load', () => {
    areas.load().then((fc) => {
      const [shapes, labels] = prepareAreas(fc, crs);
      map.getSource('areas').setData(shapes);
      map.getSource('labels').setData(labels);
    }).catch(() => {});
    // The stations around, grey with their names: on a map without tiles they are what she knows
    // the place by.
    map.addSource('around', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    map.addLayer({ id: 'around', type: 'circle', source: 'around',
      paint: { 'circle-radius': 7, 'circle-color': '#6b6b6b', 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 } });
    map.addLayer({ id: 'around-names', type: 'symbol', source: 'around', minzoom: 14,
      layout: { 'text-field': ['get', 'name'], 'text-font': ['Noto Sans Regular'], 'text-size': 12, 'text-offset': [0, 1.2], 'text-anchor': 'top', 'text-optional': true },
      paint: { 'text-color': dark ? '#b9bcc6' : '#4a4238', 'text-halo-color': dark ? '#15171c' : '#ffffff', 'text-halo-width': 1.5 } });
    fetch(`/api/v1/stations/nearby?lon=${lon}&lat=${lat}&radius=3000&limit=50`).then((r) => (r.ok ? r.json() : null)).then((fc) => {
      if (!fc) return;
      map.getSource('around').setData({
        type: 'FeatureCollection',
        features: fc.features.filter((f) => f.id !== id).map((f) => ({
          type: 'Feature', properties: { name: f.properties.name },
          geometry: { type: 'Point', coordinates: fromWGS84(crs, ...f.geometry.coordinates) },
        })),
      });
    }).catch(() => {});
    map.once('idle', () => { container.dataset.ready = 'true'; });
  });
  return {
    put(x, y) {
      marker.setLngLat(fromWGS84(crs, x, y));
      map.easeTo({ center: fromWGS84(crs, x, y) });
    },
    /** Where the pin is drawn on the map's canvas, in CSS pixels (tests drag it from there). */
    point() {
      const p = map.project(marker.getLngLat());
      return { x: p.x, y: p.y };
    },
    resize() { map.resize(); },
    remove() { map.remove(); },
  };
}
