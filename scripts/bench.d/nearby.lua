-- wrk script: nearest-20 queries at 10,000 uniformly random points in Liaoning's extent, made once per
-- thread and then cycled (a fixed query set, so that wrk's own Lua work per request stays small). The
-- 300 km radius makes every answer hold 20 features, wherever the point falls.
local requests = {}
local n = 0

function init(args)
  math.randomseed(42)
  for i = 1, 10000 do
    local lat = 38.72 + math.random() * (43.49 - 38.72)
    local lon = 118.85 + math.random() * (125.79 - 118.85)
    -- formatted in init, after wrk has set the Host header
    requests[i] = wrk.format("GET", string.format("/api/v1/stations/nearby?lat=%.6f&lon=%.6f&limit=20&radius=300000", lat, lon))
  end
end

function request()
  n = n % #requests + 1
  return requests[n]
end

function done(summary, latency, requests)
  io.write(string.format("errors: %d non-2xx/3xx, %d read, %d timeout\n", summary.errors.status, summary.errors.read, summary.errors.timeout))
end
