-- wrk script: PUT a 100-byte value under a fresh key per request.
-- Keys are "<prefix>-<thread>-<n>" so threads never collide.
local counter = 0
local thread_id = 0
local threads = {}
local value = string.rep("v", 100)
local prefix = os.getenv("KEY_PREFIX") or "k"
local ttl = os.getenv("PUT_TTL") or "3600"

function setup(thread)
  thread:set("thread_id", #threads)
  table.insert(threads, thread)
end

function request()
  counter = counter + 1
  return wrk.format("PUT", "/v1/data/" .. prefix .. "-" .. thread_id .. "-" .. counter,
                    {["X-TTL"] = ttl}, value)
end
