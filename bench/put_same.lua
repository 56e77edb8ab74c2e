-- wrk script: PUT a 100-byte value, cycling over 10,000 keys.
local counter = 0
local value = string.rep("v", 100)
function request()
  counter = (counter + 1) % 10000
  return wrk.format("PUT", "/v1/data/bench-" .. counter, {["X-TTL"] = "3600"}, value)
end
