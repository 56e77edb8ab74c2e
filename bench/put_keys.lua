-- wrk script: PUT a 100-byte value with X-TTL 3600, cycling over 10,000 keys. The requests are
-- built once per wrk thread in init(), so each request costs the client one table look-up, the
-- same whichever server it goes to: every server in http_bench.sh gets this script (nginx ignores
-- the path), and the client's work stays out of the ratios.
local requests = {}
local count = 10000
local next_index = 0

function init(args)
  local value = string.rep("v", 100)
  for k = 1, count do
    requests[k] = wrk.format("PUT", "/v1/data/bench-" .. k, {["X-TTL"] = "3600"}, value)
  end
end

function request()
  next_index = next_index % count + 1
  return requests[next_index]
end
