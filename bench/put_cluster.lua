-- wrk script: PUT a 100-byte value under a fresh key "c-<thread>-<n>" per request, and count the
-- answers by status so the cluster bench can report the share of 201 (quorum) vs 202 (timeout).
local counter = 0
thread_id = 0  -- a global: setup() assigns it per thread with thread:set
local threads = {}
local value = string.rep("v", 100)
c201, c202, cother = 0, 0, 0  -- globals: done() reads them with thread:get

function setup(thread)
  thread:set("thread_id", #threads)
  table.insert(threads, thread)
end

function request()
  counter = counter + 1
  return wrk.format("PUT", string.format("/v1/data/c-%d-%08d", thread_id, counter),
                    {["X-TTL"] = "3600"}, value)
end

function response(status, headers, body)
  if status == 201 then
    c201 = c201 + 1
  elseif status == 202 then
    c202 = c202 + 1
  else
    cother = cother + 1
  end
end

function done(summary, latency, requests)
  local s201, s202, sother = 0, 0, 0
  for _, t in ipairs(threads) do
    s201 = s201 + t:get("c201")
    s202 = s202 + t:get("c202")
    sother = sother + t:get("cother")
  end
  io.write(string.format("status 201: %d\nstatus 202: %d\nstatus other: %d\n", s201, s202, sother))
end
