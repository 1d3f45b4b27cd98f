-- Walks the paths of the file named by URLS_FILE once, never asking for one twice (the `cold`
-- scenarios): thread n of URLS_THREADS takes lines n, n + URLS_THREADS, n + 2 × URLS_THREADS…
-- A thread that reaches the end of its share stops rather than start again, and says so: the
-- report then gives `exhausted` and the paths used, and the pool must be made larger.
-- Reports latency percentiles, error counts and the paths used as one JSON line.
local paths = {}
local counter = 0
local step = 1
-- Globals, not locals: done() reads them from each thread with thread:get().
used = 0
exhausted = 0
local all_threads = {}

function setup(thread)
  table.insert(all_threads, thread)
  thread:set("thread_number", #all_threads)
end

function init(args)
  local f = assert(io.open(os.getenv("URLS_FILE"), "r"))
  for line in f:lines() do
    if #line > 0 then table.insert(paths, line) end
  end
  f:close()
  step = tonumber(os.getenv("URLS_THREADS")) or 1
  counter = (thread_number or 1) - step
end

function request()
  counter = counter + step
  if counter > #paths then
    -- The share is used up: stop this thread. wrk still writes what request() returns (once
    -- per connection) but its loop stops before the answer is read: never measured.
    exhausted = exhausted + 1
    wrk.thread:stop()
    return wrk.format("GET", paths[#paths - (#paths % step)], {["Accept-Encoding"] = "gzip"})
  end
  used = used + 1
  return wrk.format("GET", paths[counter], {["Accept-Encoding"] = "gzip"})
end

function done(summary, latency, requests)
  local e = summary.errors
  local total_used, total_exhausted = 0, 0
  for _, thread in ipairs(all_threads) do
    total_used = total_used + (thread:get("used") or 0)
    total_exhausted = total_exhausted + (thread:get("exhausted") or 0)
  end
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, ' ..
    '"p99_us": %d, "socket_errors": %d, "status_errors": %d, "paths_used": %d, ' ..
    '"exhausted": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.connect + e.read + e.write + e.timeout, e.status,
    total_used, total_exhausted))
end
