-- Cycles through the paths of the file named by the URLS_FILE environment variable and
-- reports latency percentiles and error counts as one JSON line.
local paths = {}
local counter = 0
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

function init(args)
  local f = assert(io.open(os.getenv("URLS_FILE"), "r"))
  for line in f:lines() do
    if #line > 0 then table.insert(paths, line) end
  end
  f:close()
  -- Each thread (and each wrk process, by URLS_SEED) starts at a different place of the list:
  -- unseeded, every Lua state draws the same number and they would walk it in step, all
  -- asking for the same uncached page at the same moment.
  math.randomseed((tonumber(os.getenv("URLS_SEED")) or 0) * 100 + (thread_number or 1))
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
