-- Cycles through the paths of the file named by the URLS_FILE environment variable and
-- reports latency percentiles and error counts as one JSON line.
local paths = {}
local counter = 0

function init(args)
  local f = assert(io.open(os.getenv("URLS_FILE"), "r"))
  for line in f:lines() do
    if #line > 0 then table.insert(paths, line) end
  end
  f:close()
  -- Each thread starts at a different place of the list.
  counter = math.random(#paths)
end

function request()
  counter = counter % #paths + 1
  return wrk.format("GET", paths[counter], {["Accept-Encoding"] = "gzip"})
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, ' ..
    '"p99_us": %d, "socket_errors": %d, "status_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.connect + e.read + e.write + e.timeout, e.status))
end
