-- wrk script: the same PUT shape against nginx (which answers 200 without storing).
local value = string.rep("v", 100)
function request()
  return wrk.format("PUT", "/v1/data/bench", {["X-TTL"] = "3600"}, value)
end
