-- wrk script for bench/intake.sh: every request files a new Open311 service
-- request (POST /open311/v2/requests.json, form-encoded), so the benchmark
-- measures durable report intake, not a cache.
--
-- Env: LAKSANA_BENCH_API_KEY  API key created by intake.sh (required)
--
-- done() prints the non-201 count (plus a breakdown and a sample body) and one
-- machine-readable "BENCH ..." line that intake.sh turns into its summary.

local api_key = os.getenv("LAKSANA_BENCH_API_KEY")
if api_key == nil or api_key == "" then
  error("LAKSANA_BENCH_API_KEY is not set")
end

local function urlencode(s)
  return (string.gsub(s, "[^%w%-%._~]", function(c)
    return string.format("%%%02X", string.byte(c))
  end))
end
local key_param = urlencode(api_key)

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Accept"] = "application/json"

-- Main state: remember every thread so done() can collect its counters.
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

-- Thread state.
function init(args)
  counter = 0
  non201 = 0
  by_status = {}
  sample = nil
  math.randomseed(os.time() + id * 7919)
end

function request()
  counter = counter + 1
  -- Unique per request across threads: thread id in the high digits.
  local n = id * 100000000 + counter
  -- Jitter around Tangerang (about +-100 m) so reports are not all one point.
  local lat = -6.17 + (math.random() - 0.5) * 0.002
  local long = 106.63 + (math.random() - 0.5) * 0.002
  local body = string.format(
    "api_key=%s&service_code=pju-mati&lat=%.6f&long=%.6f&description=Lampu+jalan+mati+bench+%d",
    key_param, lat, long, n)
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  if status ~= 201 then
    non201 = non201 + 1
    by_status[status] = (by_status[status] or 0) + 1
    if sample == nil then
      sample = status .. " " .. string.sub(body or "", 1, 300)
    end
  end
end

function done(summary, latency, requests)
  local total_non201, statuses, first = 0, {}, nil
  for _, t in ipairs(threads) do
    total_non201 = total_non201 + (t:get("non201") or 0)
    for status, n in pairs(t:get("by_status") or {}) do
      statuses[status] = (statuses[status] or 0) + n
    end
    first = first or t:get("sample")
  end

  local e = summary.errors
  local socket_errors = e.connect + e.read + e.write + e.timeout
  local created = summary.requests - total_non201
  local secs = summary.duration / 1e6

  io.write(string.format("non-201 responses: %d\n", total_non201))
  for status, n in pairs(statuses) do
    io.write(string.format("  HTTP %s: %d\n", tostring(status), n))
  end
  if first then
    io.write("first non-201 response: " .. first .. "\n")
  end
  io.write(string.format(
    "BENCH requests=%d created=%d duration_s=%.3f rate=%.1f p50_ms=%.2f p99_ms=%.2f non201=%d socket_errors=%d\n",
    summary.requests, created, secs, created / secs,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    total_non201, socket_errors))
end
