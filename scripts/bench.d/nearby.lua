-- wrk script: nearest-20 queries at uniformly random points in Liaoning's extent. The 300 km radius
-- makes every answer hold 20 features, wherever the point falls.
math.randomseed(42)
request = function()
  local lat = 38.72 + math.random() * (43.49 - 38.72)
  local lon = 118.85 + math.random() * (125.79 - 118.85)
  return wrk.format("GET", string.format("/api/v1/stations/nearby?lat=%.6f&lon=%.6f&limit=20&radius=300000", lat, lon))
end
