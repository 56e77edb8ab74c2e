-- wrk script: PUT a 100-byte value under fresh keys "s-<thread>-<n>", stopping each thread after
-- PER_THREAD requests (env), with TTL PUT_TTL (env).
local counter = 0
thread_id = 0  -- global: setup() sets it per thread (a local would shadow it)
local threads = {}
local value = string.rep("v", 100)
local per_thread = tonumber(os.getenv("PER_THREAD") or "500000")
local ttl = os.getenv("PUT_TTL") or "3600"

function setup(thread)
  thread:set("thread_id", #threads)
  table.insert(threads, thread)
end

function request()
  counter = counter + 1
  return wrk.format("PUT", string.format("/v1/data/s-%d-%07d", thread_id, counter),
                    {["X-TTL"] = ttl}, value)
end

function response(status, headers, body)
  if counter >= per_thread then wrk.thread:stop() end
end
